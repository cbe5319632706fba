#!/usr/bin/env python3
"""Write the vLLM API surface that rbh relies on to a small JSON fixture, read from a vLLM wheel
without installing it (zipfile + ast; no vLLM code is run or copied, only names are kept).

    pip download --no-deps vllm==0.33.0 -d /tmp/vllm-wheel
    python scripts/vllm_api_fixture.py /tmp/vllm-wheel/vllm-0.33.0-*.whl
    # -> tests/fixtures/vllm-api/vllm-0.33.0.json

The fixture holds the parameter names of `LLM.__init__` and `LLM.chat`, the `EngineArgs`
fields (where `LLM(**kwargs)` sends what it does not name itself), the `SamplingParams` fields,
the attributes of `RequestOutput` and `CompletionOutput`, the data-parallel environment
variables, and the conditions under which vLLM refuses data parallel in one process.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "vllm-api"


def _parse(wheel: zipfile.ZipFile, path: str) -> ast.Module:
    return ast.parse(wheel.read(path).decode("utf-8"), filename=path)


def _class(module: ast.Module, name: str) -> ast.ClassDef:
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise SystemExit(f"error: class {name} not found")


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise SystemExit(f"error: {cls.name}.{name} not found")


def _params(fn: ast.FunctionDef) -> dict[str, Any]:
    """Parameter names (without self) and whether the function also takes **kwargs."""
    args = fn.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.arg != "self"]
    return {"params": names, "var_kwargs": args.kwarg is not None}


def _fields(cls: ast.ClassDef) -> list[str]:
    """Annotated class-body fields (dataclass / msgspec.Struct), without ClassVars and private names."""
    out = []
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if "ClassVar" in ast.unparse(node.annotation) or node.target.id.startswith("_"):
                continue
            out.append(node.target.id)
    return out


def _self_attributes(fn: ast.FunctionDef) -> list[str]:
    out: list[str] = []
    for node in ast.walk(fn):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" and t.attr not in out:
                    out.append(t.attr)
    return out


def _refusal(fn: ast.FunctionDef | ast.Module, needle: str) -> dict[str, Any]:
    """The `if` test guarding a `raise ValueError(...)` whose message mentions `needle`."""
    for node in ast.walk(fn):
        if not isinstance(node, ast.If):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Raise) and needle in ast.unparse(stmt):
                names = sorted({n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)})
                strings = sorted({c.value for c in ast.walk(node.test) if isinstance(c, ast.Constant) and isinstance(c.value, str)})
                return {"condition": ast.unparse(node.test), "names": names, "exempt_values": strings, "error": "ValueError"}
    raise SystemExit(f"error: no refusal mentioning {needle!r} found")


def _version(wheel: zipfile.ZipFile) -> str:
    for name in wheel.namelist():
        if name.endswith(".dist-info/METADATA"):
            match = re.search(r"^Version: (\S+)$", wheel.read(name).decode("utf-8"), re.M)
            if match:
                return match.group(1)
    raise SystemExit("error: no dist-info/METADATA with a Version in the wheel")


def extract(wheel_path: Path) -> dict[str, Any]:
    """The API surface of one vLLM wheel, as plain names."""
    with zipfile.ZipFile(wheel_path) as wheel:
        llm_module = _parse(wheel, "vllm/entrypoints/llm.py")
        llm = _class(llm_module, "LLM")
        init = _method(llm, "__init__")
        sampling = _class(_parse(wheel, "vllm/sampling_params.py"), "SamplingParams")
        outputs = _parse(wheel, "vllm/outputs.py")
        engine_args = _class(_parse(wheel, "vllm/engine/arg_utils.py"), "EngineArgs")
        parallel = _parse(wheel, "vllm/config/parallel.py")
        envs_text = wheel.read("vllm/envs.py").decode("utf-8")
        request_output = _class(outputs, "RequestOutput")
        return {
            "vllm_version": _version(wheel),
            "source": wheel_path.name,
            "LLM.__init__": _params(init),
            "LLM.chat": _params(_method(llm, "chat")),
            "EngineArgs": _fields(engine_args),
            "SamplingParams": _fields(sampling),
            "RequestOutput": sorted(set(_self_attributes(_method(request_output, "__init__")))),
            "CompletionOutput": _fields(_class(outputs, "CompletionOutput")),
            "data_parallel_env": sorted(set(re.findall(r'"(VLLM_DP_[A-Z_]+)":', envs_text))),
            "refusals": {
                # LLM(data_parallel_size=N > 1) in one process
                "LLM.__init__.data_parallel_size": _refusal(init, "data_parallel_size"),
                # VLLM_DP_SIZE > 1 from the environment for a dense (non-MoE) model
                "ParallelConfig.offline_dp_dense": _refusal(parallel, "dense models"),
            },
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("wheel", type=Path, help="a downloaded vllm-*.whl")
    parser.add_argument("--out", type=Path, help="output JSON (default tests/fixtures/vllm-api/vllm-VERSION.json)")
    args = parser.parse_args(argv)
    if not args.wheel.is_file():
        print(f"error: no such wheel: {args.wheel}", file=sys.stderr)
        return 2
    surface = extract(args.wheel)
    out = args.out or FIXTURES / f"vllm-{surface['vllm_version']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(surface, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} (vLLM {surface['vllm_version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
