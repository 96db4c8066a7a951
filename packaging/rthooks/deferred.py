# Runs PyInstaller's stock run-time hooks for inspect, pkgutil and multiprocessing when the
# app first imports that module, instead of on every start. Run eagerly, they import inspect,
# zipfile (bz2, lzma), pkgutil, multiprocessing (socket, pickle, subprocess...): ~60 ms before
# `companion lookup` even starts, which a source run never pays. Each hook only patches its
# module (inspect.getsourcefile, pkgutil.iter_modules, multiprocessing.freeze_support), so
# running it right after that module is imported gives the same program.
#
# packaging/freeze_rules.py writes the frozen copy of this file: ``_PENDING`` is filled with
# the stock hooks' sources at build time (tests/test_packaging.py runs it on its own too).
import sys

_PENDING: "dict[str, list[tuple[str, str]]]" = {}  # module -> [(hook name, hook source)]


def _run_hooks(module_name):
    for hook_name, source in _PENDING.pop(module_name, ()):
        exec(compile(source, hook_name + ".py", "exec"), {"__name__": hook_name})
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
