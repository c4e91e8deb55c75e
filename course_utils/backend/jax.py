"""The JAX implementation of `course_utils.backend`.

JAX differentiates pure functions: `jax.value_and_grad(f)(values)` takes the
weights as an argument, while a Keras loss reads them from variables. A
`keras.StatelessScope` bridges the two: inside it each variable reads the
value the scope maps it to (here the traced argument), and an assignment is
recorded in the scope instead of changing the variable.
"""

import keras
from keras.src.backend.common.stateless_scope import get_stateless_scope


class _Scope(keras.StatelessScope):
    """A StatelessScope that starts from the values of the scope it is opened in
    (a train_step's), and keeps the variables it records updates for."""

    def __init__(self, state_mapping=()):
        outer = get_stateless_scope()
        super().__init__(state_mapping=list(state_mapping))
        self.updated = {}
        if outer is not None:
            self.state_mapping = {**outer.state_mapping, **self.state_mapping}

    def add_update(self, update):
        self.updated[id(update[0])] = update[0]
        super().add_update(update)

    def updates(self, skip=()):
        skip = {id(v) for v in skip}
        return [(v, self.state_mapping[k]) for k, v in self.updated.items() if k not in skip]


def value_and_gradients(fn, variables, has_aux=False):
    import jax

    touched = []  # the variables fn assigns to (a batch norm's statistics, a seed's state)

    def pure(values):  # fn as a function of the variables' values: what JAX differentiates
        with _Scope(zip(variables, values)) as scope:
            out = fn()
        value, aux = out if has_aux else (out, None)
        updates = scope.updates(skip=variables)
        touched[:] = [variable for variable, _ in updates]
        return value, (aux, [new for _, new in updates])

    current = [v.value for v in variables]
    (value, (aux, new_values)), grads = jax.value_and_grad(pure, has_aux=True)(current)
    for variable, new in zip(touched, new_values):
        variable.assign(new)  # recorded in the train_step's scope when there is one
    return ((value, aux) if has_aux else value), list(grads)


def value_and_input_gradient(fn, inputs):
    import jax
    import jax.numpy as jnp

    inputs = jnp.asarray(inputs, dtype=jnp.float32)

    def pure(x):
        with _Scope():
            return fn(x)

    return jax.value_and_grad(pure)(inputs)


def stateless_train_step(model, state, step):
    """Runs the stateful `step()` (it reads and assigns the model's variables) as
    Keras' JAX trainer expects: from `state` to `(logs, new state)`.

    `state` is `(trainable, non_trainable, optimizer, metrics)` values, in the
    order of `model.trainable_variables`, `model.non_trainable_variables`,
    `model.optimizer.variables` and `model.metrics_variables`.
    """
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )
    mapping = [
        (v, value) for group, values in zip(groups, state) for v, value in zip(group, values)
    ]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = step()
    new_state = tuple(
        [_current(scope, v, value) for v, value in zip(group, values)]
        for group, values in zip(groups, state)
    )
    return logs, new_state


def _current(scope, variable, value):
    new = scope.get_current_value(variable)
    return value if new is None else new


def wait_until_done(result):
    import jax

    jax.block_until_ready(result)


def transposed_convolution_is_slow():
    import jax

    return jax.default_backend() == "cpu"


def devices():
    import jax

    return {
        "version": jax.__version__,
        "gpus": [str(d) for d in jax.devices() if d.platform == "gpu"],
    }


def random_state():
    """JAX keeps no global random state: Keras' seed generators are all there is."""
    return None


def restore_random_state(state):
    pass
