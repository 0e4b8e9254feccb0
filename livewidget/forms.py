"""Forms with validation: a form's params checked against a pydantic model, errors per field.

A :class:`Form` is to livewidget what a changeset and ``to_form`` are to Phoenix: it keeps
what the user typed, the typed values pydantic made of it, and the errors of each field —
showing only those of the fields the user has *used*::

    class SignUp(BaseModel):
        name: str = Field(min_length=2)
        age: int = Field(ge=13)

    def mount(self, socket, session, params):
        socket.assign(form=Form(SignUp, name="user"))        # blank: no errors

    def handle_event(self, event, params, socket):
        form = socket.assigns.form.validate(params)           # the handler's whole params
        if event == "save" and form.ok:
            save(form.data)                                   # a SignUp instance
            form = Form(SignUp, name="user")                  # a fresh, blank form
        socket.assign(form=form)

and in the template ``{{ input(form["name"]) }} {{ error_tag(form["name"]) }}``.

Which errors show (the *used-field* rule):

- a submit (params without ``_target``) uses every field, and so does any later change of
  the same form (``validate`` on a form that was submitted); a fresh ``Form`` starts over;
- in a ``phx-change``, a field is used once the user changed it: the browser sends an
  ``_unused_<name>`` marker (``user[_unused_email]``) for every field of the form the user has
  not changed since the form was shown or last submitted, as Phoenix LiveView 1.0 does. A field
  the params carry without a marker is used, and so is the field ``_target`` names;
- errors of the model as a whole (a ``model_validator``) show once the form was submitted.

Empty (or all-blank) strings count as not given, like Ecto's ``empty_values``: a required
field left empty is "Field required", an optional one gets its default. A field that is not a
list takes the last of repeated values (a checkbox after its hidden ``false``); a list field
takes a single value as a one-item list.

Needs pydantic: ``pip install "livewidget[forms]"``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

try:
    from pydantic import BaseModel, ValidationError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "livewidget.forms validates forms with pydantic; install it with: "
        'pip install "livewidget[forms]"'
    ) from exc

from ._params import _path

__all__ = ["Form", "FormField"]

M = TypeVar("M", bound=BaseModel)

#: The form field naming the input that changed (sent with every phx-change).
TARGET = "_target"
#: The prefix of the markers the browser sends for fields the user has not changed yet.
UNUSED_PREFIX = "_unused_"
_MISSING: Any = object()
_LIST_TYPES = (list, set, tuple, frozenset)


@dataclasses.dataclass(frozen=True)
class FormField:
    """One field of a :class:`Form`, as the template helpers render it.

    ``name`` is the input's name (``user[email]``), ``id`` its id (``user_email``), ``value``
    what the input shows (what the user typed, else the form's data or the field's default),
    ``errors`` the messages to show (none until the field is used), ``used`` whether the
    user has used the field, ``required`` whether the model requires it.
    """

    field: str
    name: str
    id: str
    value: Any
    errors: tuple[str, ...] = ()
    used: bool = False
    required: bool = False
    multiple: bool = False

    @property
    def invalid(self) -> bool:
        """Whether the field shows errors."""
        return bool(self.errors)


class Form(Generic[M]):
    """A form for the pydantic model ``model``: blank, or showing ``data``'s values.

    ``name`` nests the fields' input names (``name="user"`` gives ``user[email]``) and is
    where :meth:`validate` finds them in the params. Forms are immutable: ``validate`` and
    ``add_error`` return new ones.

    >>> from pydantic import BaseModel, Field
    >>> class Pet(BaseModel):
    ...     name: str = Field(min_length=2)
    ...     age: int
    >>> form = Form(Pet, name="pet").validate({"pet": {"name": "R", "age": "3"}})
    >>> form.ok, form.errors
    (False, {'name': ['String should have at least 2 characters']})
    >>> form.values
    {'name': 'R', 'age': 3}
    >>> form["name"].name, form["name"].id, form["name"].value
    ('pet[name]', 'pet_name', 'R')
    >>> Form(Pet, name="pet").validate({"pet": {"name": "Rex", "age": "3"}}).data
    Pet(name='Rex', age=3)
    """

    def __init__(
        self,
        model: type[M],
        data: M | Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"Form needs a pydantic model class, got {model!r}")
        if not model.__pydantic_complete__ and not model.model_rebuild(raise_errors=False):
            raise TypeError(
                f"{model.__name__} is not fully defined: an annotation names a type pydantic "
                f"cannot find yet; call {model.__name__}.model_rebuild() once it exists"
            )
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"a form's name is a non-empty string, got {name!r}")
        self.model = model
        self.name = name
        self._data = data
        self._params: dict[str, Any] | None = None
        self._result: M | None = None
        self._errors: dict[tuple[Any, ...], list[str]] = {}
        self._submitted = False
        self._target: list[str] | None = None
        self._id_prefix = name

    # -- validating -------------------------------------------------------------------------

    def validate(self, params: Mapping[str, Any]) -> Form[M]:
        """A new form holding ``params`` (a handler's whole params), validated.

        The fields are read from ``params[name]`` (or ``params`` itself without a name);
        ``_target`` and the ``_unused_`` markers decide which errors show.
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"validate() takes the handler's params (a dict), got {params!r}")
        target = params.get(TARGET)
        raw: Any = params if self.name is None else params.get(self.name, {})
        if not isinstance(raw, Mapping):
            raw = {}
        form = self._copy()
        form._params = dict(raw)
        form._submitted = self._submitted or TARGET not in params
        form._target = None
        if isinstance(target, str):
            path = _path(target)
            if self.name is None:
                form._target = path
            elif path[:1] == [self.name]:
                form._target = path[1:]
        form._run()
        return form

    def add_error(self, field: str, message: str) -> Form[M]:
        """A new form with one more error on ``field`` (e.g. "already taken" after a lookup);
        the field counts as used, so the error shows."""
        if field not in self.model.model_fields:
            raise KeyError(f"{self.model.__name__} has no field {field!r}")
        form = self._copy()
        form._errors = {loc: list(msgs) for loc, msgs in self._errors.items()}
        form._errors.setdefault((field,), []).append(str(message))
        form._result = None
        params = dict(form._params or {})
        params.pop(UNUSED_PREFIX + field, None)
        params.setdefault(field, _display_value(self, field))
        form._params = params
        return form

    # -- reading ----------------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        """Whether the form was validated and every field is valid."""
        return self._result is not None

    @property
    def data(self) -> M | None:
        """The validated model instance (typed values), or None while the form is invalid."""
        return self._result

    @property
    def submitted(self) -> bool:
        """Whether the form was submitted (all its errors show)."""
        return self._submitted

    @property
    def params(self) -> dict[str, Any]:
        """What the user sent for this form's fields, as received (strings, lists, dicts)."""
        return dict(self._params or {})

    @property
    def fields(self) -> list[str]:
        """The model's field names, in order."""
        return list(self.model.model_fields)

    @property
    def values(self) -> dict[str, Any]:
        """Each field's typed value where it is valid, else what the user sent."""
        if self._result is not None:
            return {name: getattr(self._result, name) for name in self.model.model_fields}
        prepared = _prepare(self.model, self._params or {})
        values: dict[str, Any] = {}
        for name, info in self.model.model_fields.items():
            key = info.alias or name
            if any(loc[:1] == (name,) for loc in self._errors):
                values[name] = (self._params or {}).get(name, _default(info))
            elif key in prepared:
                values[name] = _typed(self.model, name, prepared[key])
            else:
                values[name] = _display_value(self, name)
        return values

    @property
    def errors(self) -> dict[str, list[str]]:
        """The errors to show: those of used fields, by field (``"address.city"`` nested)."""
        return {
            _dotted(loc): list(msgs)
            for loc, msgs in self._errors.items()
            if loc and self.used(str(loc[0]))
        }

    @property
    def all_errors(self) -> dict[str, list[str]]:
        """Every error, shown or not (``""`` for errors of the model as a whole)."""
        return {_dotted(loc): list(msgs) for loc, msgs in self._errors.items()}

    @property
    def form_errors(self) -> list[str]:
        """Errors of the model as a whole (``model_validator``); shown once submitted."""
        return list(self._errors.get((), [])) if self._submitted else []

    def used(self, field: str) -> bool:
        """Whether ``field``'s errors show (see the module's used-field rule)."""
        if self._submitted:
            return True
        params = self._params or {}
        if UNUSED_PREFIX + field in params:
            return False
        if self._target and self._target[0] == field:
            return True
        return field in params

    def __getitem__(self, field: str) -> Any:
        """The :class:`FormField` of ``field``; a nested model's field gives a nested Form."""
        info = self.model.model_fields.get(field)
        if info is None:
            raise KeyError(
                f"{self.model.__name__} has no field {field!r}; its fields are {self.fields}"
            )
        sub = _submodel(info.annotation)
        if sub is not None:
            return self._nested(field, sub)
        errors = (
            tuple(msg for loc, msgs in self._errors.items() if loc[:1] == (field,) for msg in msgs)
            if self.used(field)
            else ()
        )
        return FormField(
            field=field,
            name=self._input_name(field),
            id=self._input_id(field),
            value=_display_value(self, field),
            errors=errors,
            used=self.used(field),
            required=info.is_required(),
            multiple=_is_list(info.annotation),
        )

    def __iter__(self) -> Iterator[Any]:
        return (self[name] for name in self.model.model_fields)

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"errors={self.all_errors}" if self._errors else "blank"
        return f"<Form {self.model.__name__} name={self.name!r} {state}>"

    # -- internals --------------------------------------------------------------------------

    def _copy(self) -> Form[M]:
        form: Form[M] = Form.__new__(Form)
        form.__dict__.update(self.__dict__)
        return form

    def _run(self) -> None:
        self._errors = {}
        self._result = None
        try:
            self._result = self.model.model_validate(_prepare(self.model, self._params or {}))
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                self._errors.setdefault(loc, []).append(_message(error))

    def _nested(self, field: str, model: type[BaseModel]) -> Form[Any]:
        sub: Form[Any] = Form(model, _initial(self, field), name=self._input_name(field))
        sub._id_prefix = self._input_id(field)
        raw = (self._params or {}).get(field)
        sub._params = dict(raw) if isinstance(raw, Mapping) else ({} if self._params else None)
        sub._submitted = self._submitted
        sub._target = self._target[1:] if self._target and self._target[0] == field else None
        sub._errors = {loc[1:]: msgs for loc, msgs in self._errors.items() if loc[:1] == (field,)}
        return sub

    def _input_name(self, field: str) -> str:
        return field if self.name is None else f"{self.name}[{field}]"

    def _input_id(self, field: str) -> str:
        return field if self._id_prefix is None else f"{self._id_prefix}_{field}"


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _default(info: Any) -> Any:
    if info.is_required():
        return None
    return info.get_default(call_default_factory=True)


def _initial(form: Form[Any], field: str) -> Any:
    data = form._data
    if data is None:
        return _MISSING
    if isinstance(data, BaseModel):
        return getattr(data, field, _MISSING)
    return data.get(field, _MISSING) if isinstance(data, Mapping) else _MISSING


def _display_value(form: Form[Any], field: str) -> Any:
    params = form._params or {}
    if field in params:
        return params[field]
    initial = _initial(form, field)
    if initial is not _MISSING:
        return initial
    return _default(form.model.model_fields[field])


def _typed(model: type[BaseModel], field: str, value: Any) -> Any:
    try:
        instance = model.__pydantic_validator__.validate_assignment(
            model.model_construct(), field, value
        )
    except (ValidationError, TypeError, ValueError):
        return value
    return getattr(instance, field, value)


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _submodel(annotation: Any) -> type[BaseModel] | None:
    inner = _unwrap_optional(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    return None


def _is_list(annotation: Any) -> bool:
    inner = _unwrap_optional(annotation)
    origin = typing.get_origin(inner) or inner
    return isinstance(origin, type) and issubclass(origin, _LIST_TYPES)


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _prepare(model: type[BaseModel], raw: Mapping[str, Any]) -> dict[str, Any]:
    """What pydantic validates: the model's fields from ``raw``, blanks dropped, shapes fixed."""
    prepared: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in raw:
            continue
        value = _shaped(info.annotation, raw[name])
        if value is not _MISSING:
            prepared[info.alias or name] = value
    return prepared


def _shaped(annotation: Any, value: Any) -> Any:
    sub = _submodel(annotation)
    if sub is not None:
        return _prepare(sub, value) if isinstance(value, Mapping) else value
    if _is_list(annotation):
        items = value if isinstance(value, list) else [value]
        return [item for item in items if not _blank(item)]
    if isinstance(value, list):
        value = value[-1] if value else _MISSING
    return _MISSING if _blank(value) else value
