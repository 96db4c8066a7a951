# Runs PyInstaller's stock run-time hooks for inspect, pkgutil and multiprocessing when the
# app first imports that module, instead of on every start. Run eagerly, they import inspect,
# zipfile (bz2, lzma), pkgutil, multiprocessing (socket, pickle, subprocess...): ~60 ms before
# `companion lookup` even starts, which a source run never pays. Each hook only patches its
# module (inspect.getsourcefile, pkgutil.iter_modules, multiprocessing.freeze_support), so
# running it right after that module is imported gives the same program. A hook whose patch
# is one function (``_ON_FIRST_CALL``) waits for that function's first call: everything
# imports inspect (dataclasses does), almost nothing calls inspect.getsourcefile, and its hook
# reads base_library.zip's file list with zipfile.
#
# packaging/freeze_rules.py writes the frozen copy of this file: ``_PENDING`` and
# ``_ON_FIRST_CALL`` are filled at build time (tests/test_packaging_native.py runs it too).
import sys

_PENDING: "dict[str, list[tuple[str, str]]]" = {}  # module -> [(hook name, hook source)]
_ON_FIRST_CALL: "dict[str, str]" = {}  # module -> the function its hooks replace


def _exec_hooks(hooks):
    for hook_name, source in hooks:
        exec(compile(source, hook_name + ".py", "exec"), {"__name__": hook_name})


def _on_first_call(module, attribute, hooks):
    """Put a stand-in for ``module.attribute`` that restores the original, runs the hooks
    (which patch it) and calls whatever they left there."""
    original = getattr(module, attribute)

    def first_call(*args, **kwargs):
        setattr(module, attribute, original)
        _exec_hooks(hooks)
        return getattr(module, attribute)(*args, **kwargs)

    first_call.__name__ = getattr(original, "__name__", attribute)
    first_call.__doc__ = getattr(original, "__doc__", None)
    setattr(module, attribute, first_call)


def _run_hooks(module_name):
    hooks = _PENDING.pop(module_name, ())
    attribute = _ON_FIRST_CALL.get(module_name)
    if hooks and attribute and hasattr(sys.modules.get(module_name), attribute):
        _on_first_call(sys.modules[module_name], attribute, hooks)
    else:
        _exec_hooks(hooks)
    if not _PENDING and _AfterImportFinder in sys.meta_path:
        sys.meta_path.remove(_AfterImportFinder)


class _HookedLoader:
    """The module's own loader; once the module has run, the hook runs and steps away."""

    def __init__(self, loader, module_name):
        self._loader = loader
        self._module_name = module_name

    def create_module(self, spec):
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self._loader
        self._loader.exec_module(module)
        _run_hooks(self._module_name)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _AfterImportFinder:
    """First on sys.meta_path: lets the other finders find a pending module, wraps its loader."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname not in _PENDING:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _HookedLoader(spec.loader, fullname)
                return spec
        return None


def _install():
    for module_name in list(_PENDING):
        if module_name in sys.modules:  # already imported by the bootstrap: run it now
            _run_hooks(module_name)
    if _PENDING:
        sys.meta_path.insert(0, _AfterImportFinder)


_install()
