"""GLOSSARY.md gives every term a notebook defines (in bold, where first used) in English and
Chinese, with the notebook that defines it, for readers of the course's Chinese source
document."""

import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = ROOT / "GLOSSARY.md"
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
# Bold that is a label, not a term: exercise titles and the closing "Next:".
LABEL = re.compile(r"^(Exercise \d+\.\d+|Next\b)")
ROW = re.compile(
    r"^\|\s*(?P<term>[^|]+?)\s*\|\s*(?P<chinese>[^|]+?)\s*\|\s*(?P<where>[^|]+?)\s*\|$"
)


def key(term):
    """A term as the glossary matches it: lower case, one space, no closing punctuation or
    plural s, no code quotes."""
    term = " ".join(term.replace("`", "").split()).lower().rstrip(".:,;")
    return term[:-1] if term.endswith("s") and not term.endswith("ss") else term


def bold_terms(text):
    return [t for t in (" ".join(m.split()) for m in BOLD.findall(text)) if not LABEL.match(t)]


def defined_terms():
    """`{key: {notebook number, ...}}` of every bold term in the notebooks' markdown."""
    found = {}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for term in bold_terms(cell.source):
                    found.setdefault(key(term), set()).add(path.name[:2])
    return found


def glossary_rows():
    """`{key: (term, chinese, notebook numbers)}` of GLOSSARY.md's table."""
    rows = {}
    for line in GLOSSARY.read_text().splitlines():
        match = ROW.match(line.strip())
        if not match or set(match["term"]) <= set("-: ") or match["term"] == "term":
            continue
        rows[key(match["term"])] = (
            match["term"],
            match["chinese"],
            set(re.findall(r"^\d\d\b", match["where"])),
        )
    return rows


def test_every_bold_term_of_the_notebooks_has_an_entry():
    missing = sorted(set(defined_terms()) - set(glossary_rows()))
    assert not missing, f"GLOSSARY.md has no entry for these terms the notebooks define: {missing}"


def test_every_entry_names_a_notebook_that_defines_it_and_gives_chinese():
    defined = defined_terms()
    for term_key, (term, chinese, where) in glossary_rows().items():
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"{term}: no Chinese term ({chinese!r})"
        if term_key in defined:
            assert where & defined[term_key], (
                f"{term}: GLOSSARY.md says notebook {sorted(where)}, but it is defined (in bold) "
                f"in {sorted(defined[term_key])}"
            )
        else:
            assert where, f"{term}: names no notebook"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("A **generator** G and **Exercise 6.1 — loss.** then **Next:** 07", ["generator"]),
        ("the **skip\nconnections** of a U-Net", ["skip connections"]),
    ],
)
def test_bold_terms_are_found_and_labels_skipped(text, terms):
    assert bold_terms(text) == terms
    assert key("Skip connections.") == key("skip connection") == "skip connection"
