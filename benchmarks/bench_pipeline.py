"""Time the whole quartify pipeline against the cost of just parsing the code.

Any migration tool has to parse every file and round-trip the changed ones through LibCST,
so that is the floor. This script runs `migrate_paths` on a repo (a given DIR, or a
generated Flask app of about N lines), times the floor in the same process, and prints the
ratio, so a slow analysis or codemod shows up as a number rather than a feeling.

    python benchmarks/bench_pipeline.py [DIR] [--generate-lines N] [--jobs N]

The generated repo is deterministic (seeded): a package of util modules with no Flask at
all (about 40% of the files), helpers that read `request.form` / `request.get_json()`,
service classes whose methods reach the request through `self.` helpers, and blueprint
views that call helper chains across modules. Nothing is written to the measured repo.
"""

from __future__ import annotations

import argparse
import ast
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst

from quartify.analysis.plan import plan_file
from quartify.core.config import Options
from quartify.core.pipeline import inputs_for, migrate_paths, plan_repo
from quartify.core.stages import Indexed, index_file, transform_file
from quartify.core.types import RunResult, Status

PACKAGE = "synthapp"
FLASK_IMPORT = (
    "from flask import Blueprint, request, render_template, jsonify, g, current_app, flash, redirect, url_for"
)
NOUNS = (
    "book", "order", "user", "invoice", "review", "cart", "ticket", "report", "profile", "comment",
    "upload", "payment", "project", "task", "note", "tag", "event", "message", "account", "shelf",
)  # fmt: skip
FIELDS = ("title", "body", "author", "email", "price", "quantity", "status", "summary", "year", "label")


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class Ref:
    """A function or class another module can import: `from <module> import <name>`."""

    module: str  # dotted, e.g. synthapp.helpers.h_003
    name: str


@dataclass
class Registry:
    """What earlier modules export, by role, so later modules can call into them."""

    pure: list[Ref] = field(default_factory=list)  # one-argument functions, no Flask
    readers: list[Ref] = field(default_factory=list)  # zero-argument, reach the request
    services: list[Ref] = field(default_factory=list)  # classes with a `save()` reaching the request


class ModuleWriter:
    """Accumulates one module's body and the imports it needs."""

    def __init__(self, rng: random.Random, module: str, counter: list[int]) -> None:
        self.rng = rng
        self.module = module
        self.package = module.rsplit(".", 1)[0]
        self.counter = counter
        self.header: list[str] = []
        self.from_imports: dict[str, set[str]] = {}
        self.module_imports: dict[str, set[str]] = {}
        self.blocks: list[str] = []

    def uid(self) -> int:
        self.counter[0] += 1
        return self.counter[0]

    def lines(self) -> int:
        return sum(block.count("\n") + 3 for block in self.blocks)

    def add(self, block: str) -> None:
        self.blocks.append(block.strip("\n"))

    def call(self, ref: Ref) -> str:
        """An expression naming `ref`, importing it one of three ways (absolute, relative, via module)."""
        if ref.module == self.module:
            return ref.name
        style = self.rng.randrange(3)
        if style == 0:
            self.from_imports.setdefault(ref.module, set()).add(ref.name)
            return ref.name
        if style == 1:
            self.from_imports.setdefault(self._relative(ref.module), set()).add(ref.name)
            return ref.name
        parent, leaf = ref.module.rsplit(".", 1)
        self.module_imports.setdefault(self._relative(parent), set()).add(leaf)
        return f"{leaf}.{ref.name}"

    def _relative(self, target: str) -> str:
        here = self.package.split(".")
        there = target.split(".")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        return "." * (len(here) - common + 1) + ".".join(there[common:])

    def render(self, docstring: str) -> str:
        out = [f'"""{docstring}"""', ""]
        out.extend(self.header)
        imports = [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(self.from_imports.items())]
        imports += [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(self.module_imports.items())]
        if imports:
            if self.header:
                out.append("")
            out.extend(imports)
        for block in self.blocks:
            out.extend(["", "", block])
        return "\n".join(out) + "\n"


def _pick(rng: random.Random, refs: list[Ref], local: list[Ref]) -> Ref:
    """Prefer other modules' refs (cross-module chains), sometimes a local one."""
    if local and (not refs or rng.random() < 0.3):
        return rng.choice(local)
    return rng.choice(refs)


def util_module(w: ModuleWriter, reg: Registry, target: int) -> None:
    rng = w.rng
    w.header.append("from dataclasses import dataclass, field")
    local: list[Ref] = []
    while w.lines() < target:
        n, noun, k = w.uid(), rng.choice(NOUNS), rng.randint(2, 9)
        kind = rng.randrange(7)
        if kind == 0:
            name = f"normalize_{noun}_{n}"
            w.add(f'''
def {name}(value, default=None):
    """Strip and lower-case a {noun} value; empty means `default`."""
    if value is None:
        return default
    text = str(value).strip()
    if not text:
        return default
    return text.lower()[:{k * 16}]
''')
        elif kind == 1:
            name = f"chunk_{noun}s_{n}"
            w.add(f'''
def {name}(items, size={k}):
    """Split {noun}s into lists of at most `size` elements."""
    out = []
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            out.append(batch)
            batch = []
    if batch:
        out.append(batch)
    return out
''')
        elif kind == 2:
            name = f"summarize_{noun}_{n}"
            w.add(f'''
def {name}(values):
    """Total, count and mean of the numeric {noun} values, skipping the rest."""
    total = 0.0
    count = 0
    for value in values or ():
        try:
            total += float(value)
        except (TypeError, ValueError):
            continue
        count += 1
    mean = total / count if count else 0.0
    return {{"total": total, "count": count, "mean": round(mean, {k})}}
''')
        elif kind == 3:
            name = f"slug_{noun}_{n}"
            w.add(f'''
def {name}(text, sep="-"):
    """A URL-safe slug for a {noun} title."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in str(text).lower())
    return sep.join(part for part in cleaned.split() if part)[:{k * 10}]
''')
        elif kind == 4:
            w.add(f'''
class {noun.title()}Cache{n}:
    """A tiny bounded cache of {noun}s, oldest evicted first."""

    def __init__(self, size={k * 32}):
        self._data = {{}}
        self._order = []
        self._size = size

    def _evict(self):
        oldest = self._order.pop(0)
        self._data.pop(oldest, None)

    def get(self, key, default=None):
        return self._data.get(key, default)

    def put(self, key, value):
        if key not in self._data:
            if len(self._order) >= self._size:
                self._evict()
            self._order.append(key)
        self._data[key] = value
        return value

    def __len__(self):
        return len(self._data)
''')
            continue
        elif kind == 5:
            w.add(f'''
@dataclass
class {noun.title()}Record{n}:
    """A {noun} row as the rest of the app passes it around."""

    id: int
    name: str = ""
    tags: list = field(default_factory=list)
    score: float = 0.0

    def label(self):
        return f"{{self.id}}:{{self.name}}"

    def with_tag(self, tag):
        if tag not in self.tags:
            self.tags.append(tag)
        return self
''')
            continue
        else:
            if not (reg.pure or local):
                continue
            first = w.call(_pick(rng, reg.pure, local))
            second = w.call(_pick(rng, reg.pure, local))
            name = f"combine_{noun}_{n}"
            w.add(f'''
def {name}(values):
    """Run each {noun} value through two other utilities."""
    parts = [{first}(value) for value in values or ()]
    result = {second}(parts)
    if isinstance(result, dict):
        return sorted(result.items())
    return result
''')
        local.append(Ref(w.module, name))
    reg.pure.extend(local)


def helper_module(w: ModuleWriter, reg: Registry, target: int) -> None:
    rng = w.rng
    w.header.append(FLASK_IMPORT)
    readers: list[Ref] = []
    pure: list[Ref] = []
    while w.lines() < target:
        n, noun = w.uid(), rng.choice(NOUNS)
        a, b, c = rng.sample(FIELDS, 3)
        kind = rng.randrange(6)
        if kind == 0:
            name = f"read_{noun}_form_{n}"
            norm = w.call(rng.choice(reg.pure)) if reg.pure else "str"
            w.add(f'''
def {name}():
    """Pull the {noun} fields from the submitted form."""
    form = request.form
    {a} = form["{a}"].strip()
    {b} = form.get("{b}", "")
    if not {a}:
        raise ValueError("{a} is required")
    return {{"{a}": {norm}({a}), "{b}": {b}, "{c}": request.form.get("{c}")}}
''')
            readers.append(Ref(w.module, name))
        elif kind == 1:
            name = f"load_{noun}_payload_{n}"
            w.add(f'''
def {name}():
    """The JSON body of a {noun} request, with defaults filled in."""
    payload = request.get_json()
    if payload is None:
        payload = {{}}
    items = payload.get("items", [])
    payload.setdefault("{a}", None)
    payload["count"] = len(items)
    return payload
''')
            readers.append(Ref(w.module, name))
        elif kind == 2 and (readers or reg.readers):
            name = f"prepare_{noun}_{n}"
            source = w.call(_pick(rng, reg.readers, readers))
            slug = w.call(rng.choice(reg.pure)) if reg.pure else "str"
            w.add(f'''
def {name}(extra=None):
    """The {noun} data from the request, merged with `extra` and tagged."""
    data = {source}()
    if extra:
        data.update(extra)
    data["{a}_key"] = {slug}(data.get("{a}", ""))
    current_app.logger.debug("prepared {noun} %s", data)
    return data
''')
            readers.append(Ref(w.module, name))
        elif kind == 3:
            name = f"{noun}_setting_{n}"
            w.add(f'''
def {name}(key, default=None):
    """A {noun} setting from the app config."""
    value = current_app.config.get("{noun.upper()}_" + key.upper(), default)
    page = request.args.get("page", 1, type=int)
    return value if page > 0 else default
''')
        else:
            name = f"score_{noun}_{n}"
            w.add(f'''
def {name}(record):
    """A crude relevance score for a {noun} record; pure."""
    score = 0
    for key, value in sorted(record.items()):
        if value and key != "{a}":
            score += len(str(value))
        elif key == "{b}":
            score -= 1
    return max(score, 0)
''')
            pure.append(Ref(w.module, name))
    reg.readers.extend(readers)
    reg.pure.extend(pure)


def service_module(w: ModuleWriter, reg: Registry, target: int) -> None:
    rng = w.rng
    w.header.append(FLASK_IMPORT)
    services: list[Ref] = []
    while w.lines() < target:
        n, noun = w.uid(), rng.choice(NOUNS)
        a, b, c = rng.sample(FIELDS, 3)
        cls = f"{noun.title()}Service{n}"
        if rng.random() < 0.25:
            pure = w.call(rng.choice(reg.pure)) if reg.pure else "str"
            w.add(f'''
class {noun.title()}Formatter{n}:
    """Formats {noun}s for display; no Flask here."""

    def __init__(self, width={rng.randint(20, 80)}):
        self.width = width

    def _clip(self, text):
        text = str(text)
        return text if len(text) <= self.width else text[: self.width - 1] + "~"

    def line(self, record):
        return " | ".join(self._clip({pure}(v)) for v in record.values())

    def block(self, records):
        return "\\n".join(self.line(r) for r in records)
''')
            continue
        reader = w.call(rng.choice(reg.readers)) if reg.readers else "dict"
        w.add(f'''
class {cls}:
    """Create and update {noun}s from the current request."""

    def __init__(self, store=None):
        self.store = store if store is not None else {{}}

    def _field(self, name, default=""):
        return request.form.get(name, default)

    def _payload(self):
        return request.get_json(silent=True) or {{}}

    def collect(self):
        data = {{"{a}": self._field("{a}"), "{b}": self._field("{b}")}}
        data.update(self._payload())
        return data

    def from_helpers(self):
        data = {reader}()
        data.setdefault("{c}", self._field("{c}", None))
        return data

    def validate(self, data):
        errors = []
        if not data.get("{a}"):
            errors.append("{a}")
        if len(str(data.get("{b}", ""))) > {rng.randint(50, 500)}:
            errors.append("{b}")
        return errors

    def save(self):
        data = self.collect()
        errors = self.validate(data)
        if errors:
            return None, errors
        key = len(self.store) + 1
        self.store[key] = data
        g.last_saved = key
        return key, []
''')
        services.append(Ref(w.module, cls))
    reg.services.extend(services)


def view_module(w: ModuleWriter, reg: Registry, target: int) -> None:
    rng = w.rng
    leaf = w.module.rsplit(".", 1)[1]
    w.header.append(FLASK_IMPORT)
    w.add(f'bp = Blueprint("{leaf}", __name__, url_prefix="/{leaf}")')
    w.add(f"""
@bp.before_request
def load_user_{w.uid()}():
    g.user = {{"id": request.headers.get("X-User", "anonymous")}}
""")
    local: list[Ref] = []
    while w.lines() < target:
        n, noun = w.uid(), rng.choice(NOUNS)
        a, b = rng.sample(FIELDS, 2)
        kind = rng.randrange(6)
        if kind == 0:
            chain = w.call(_pick(rng, reg.readers, local))
            w.add(f"""
@bp.route("/{noun}s/<int:item_id>/edit_{n}", methods=["GET", "POST"])
def edit_{noun}_{n}(item_id):
    if request.method == "POST":
        try:
            data = {chain}()
        except ValueError as exc:
            flash(str(exc))
            return redirect(url_for("{leaf}.edit_{noun}_{n}", item_id=item_id))
        flash(f"Saved {noun} {{data.get('{a}')}}")
        return redirect(url_for("{leaf}.edit_{noun}_{n}", item_id=item_id))
    return render_template("{leaf}/edit_{noun}.html", item_id=item_id, user=g.user)
""")
        elif kind == 1:
            chain = w.call(_pick(rng, reg.readers, local))
            w.add(f"""
@bp.route("/api/{noun}s_{n}", methods=["POST"])
def api_create_{noun}_{n}():
    payload = request.get_json()
    record = {chain}()
    record["source"] = (payload or {{}}).get("source", "api")
    return jsonify({{"ok": True, "{noun}": record}}), 201
""")
        elif kind == 2:
            w.add(f"""
@bp.route("/{noun}s_{n}")
def list_{noun}s_{n}():
    page = request.args.get("page", 1, type=int)
    items = [{{"id": i, "page": page}} for i in range({rng.randint(5, 50)})]
    title = current_app.config.get("TITLE", "{noun.title()}s")
    return render_template("{leaf}/list_{noun}s.html", items=items, title=title)
""")
        elif kind == 3 and reg.services:
            service = w.call(rng.choice(reg.services))
            w.add(f"""
@bp.route("/{noun}s/new_{n}", methods=["POST"])
def create_{noun}_{n}():
    service = {service}()
    key, errors = service.save()
    if errors:
        for error in errors:
            flash(f"missing {{error}}")
        return render_template("{leaf}/new_{noun}.html", errors=errors), 400
    return redirect(url_for("{leaf}.create_{noun}_{n}", key=key))
""")
        elif kind == 4:
            name = f"_read_{noun}_{n}"
            w.add(f'''
def {name}():
    """This view module's own form reader."""
    value = request.form["{a}"]
    other = request.form.get("{b}", "")
    return {{"{a}": value.strip(), "{b}": other}}
''')
            local.append(Ref(w.module, name))
        else:
            w.add(f'''
def _page_title_{n}(name, count):
    """Pure formatting used by the templates."""
    suffix = "s" if count != 1 else ""
    return f"{{count}} {{name}}{{suffix}}"
''')


GENERATORS: dict[str, tuple[str, Callable[[ModuleWriter, Registry, int], None], str]] = {
    # kind: (subpackage, generator, docstring)
    "util": ("util", util_module, "Plain utilities; no Flask here."),
    "helper": ("helpers", helper_module, "Request helpers shared by the views."),
    "service": ("services", service_module, "Service classes that work on the current request."),
    "view": ("views", view_module, "Blueprint views."),
}
SHARES = (("util", 0.40), ("helper", 0.25), ("service", 0.10), ("view", 0.25))


def generate(root: Path, lines: int, seed: int) -> tuple[int, int]:
    """Write a synthetic Flask package of about `lines` lines under `root`; (files, lines)."""
    rng = random.Random(seed)
    counts = {kind: max(1, round(lines / 310 * share)) for kind, share in SHARES}
    reg = Registry()
    counter = [0]
    pkg = root / PACKAGE
    written: list[tuple[Path, str]] = []
    views: list[str] = []
    for kind, _share in SHARES:  # order matters: later kinds call into earlier ones
        sub, gen, doc = GENERATORS[kind]
        written.append((pkg / sub / "__init__.py", f'"""{doc}"""\n'))
        for i in range(counts[kind]):
            leaf = f"{sub[0]}_{i:03d}"
            w = ModuleWriter(rng, f"{PACKAGE}.{sub}.{leaf}", counter)
            gen(w, reg, rng.randint(200, 400))
            written.append((pkg / sub / f"{leaf}.py", w.render(f"{doc} ({leaf})")))
            if kind == "view":
                views.append(leaf)
    app = [
        '"""The synthetic app factory."""',
        "",
        "from flask import Flask",
        "",
        f"from .views import {', '.join(views)}",
        "",
        "",
        "def create_app(config=None):",
        "    app = Flask(__name__)",
        "    app.config.update(config or {})",
        *(f"    app.register_blueprint({v}.bp)" for v in views),
        "    return app",
        "",
    ]
    written.append((pkg / "__init__.py", "\n".join(app)))
    total = 0
    for path, text in written:
        ast.parse(text, str(path))  # the generator must only ever produce valid code
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total += text.count("\n")
    return len(written), total


# --------------------------------------------------------------------------- measurement


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def max_rss_mib(who: int) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB elsewhere


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


def phases(root: Path, transform: bool) -> list[tuple[str, float]]:
    """The pipeline's stages run serially in this process, each timed on its own; the
    transform stage (by far the slowest) only when asked."""
    out: list[tuple[str, float]] = []
    start = time.perf_counter()
    inputs, _excluded, _root = inputs_for([root], Options(jobs=1))
    out.append(("discover", time.perf_counter() - start))
    start = time.perf_counter()
    indexed = [index_file(f.path, f.display, f.module, f.is_package) for f in inputs]
    out.append(("index", time.perf_counter() - start))
    start = time.perf_counter()
    good = [(i, i.index) for i in indexed if isinstance(i, Indexed)]
    repo = plan_repo([idx for _, idx in good])
    out.append(("link + graph + solve", time.perf_counter() - start))
    start = time.perf_counter()
    plans = [(i, plan_file(repo, idx)) for i, idx in good]
    out.append(("plan files", time.perf_counter() - start))
    if not transform:
        return out
    start = time.perf_counter()
    for item, plan in plans:
        if plan.has_edits:
            transform_file(item.text, plan)
    out.append(("transform (no verify)", time.perf_counter() - start))
    return out


def _parsed(data: bytes) -> ast.Module | None:
    """`ast.parse`, or None for a file this Python cannot parse (indico has Python 3.12 f-strings;
    quartify reports those QFY001 and leaves them)."""
    try:
        return ast.parse(data)
    except SyntaxError:
        return None


def floor(paths: Iterable[Path], changed: set[Path]) -> list[tuple[str, float]]:
    """The least any tool must do: read and parse every file, round-trip the changed ones."""
    start = time.perf_counter()
    sources = {p: p.read_bytes() for p in paths}
    changed = {p for p in changed if p in sources}
    read = time.perf_counter() - start
    parse = timed(lambda: [_parsed(data) for data in sources.values()])
    cst = timed(lambda: [libcst.parse_module(sources[p]).code for p in changed])
    return [("read", read), ("ast.parse (all)", parse), ("libcst parse + codegen (changed)", cst)]


def report(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name + ':':<{width + 1}} {value}" if name else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dir", nargs="?", type=Path, help="repo to measure (default: generate one)")
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N", help="size of the generated repo")
    parser.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (0: quartify's default)")
    parser.add_argument("--runs", type=int, default=2, metavar="N", help="pipeline runs; the first warms imports")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated repo")
    parser.add_argument("--keep", action="store_true", help="keep the generated repo and print its path")
    parser.add_argument("--time-transform", action="store_true", help="also time the transform stage serially")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str]] = []
    tmp: Path | None = None
    if args.dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="quartify-bench-"))
        gen_time = timed(lambda: generate(tmp, args.generate_lines, args.seed))
        root = tmp
        rows.append(("generated", f"{tmp}  ({gen_time:.2f}s, seed {args.seed})"))
    else:
        root = args.dir
    try:
        rows.extend(run(root, args.jobs, max(1, args.runs), args.time_transform))
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    report(rows)
    return 0


def run(root: Path, jobs: int, runs: int, time_transform: bool) -> list[tuple[str, str]]:
    times: list[float] = []
    result: RunResult | None = None
    stages: tuple[tuple[str, float], ...] = ()
    cpu_main = cpu_workers = 0.0
    for _ in range(runs):
        before = cpu_seconds()
        start = time.perf_counter()
        result = migrate_paths([root], Options(jobs=jobs))
        times.append(time.perf_counter() - start)
        after = cpu_seconds()
        if times[-1] == min(times):
            stages = result.timings
            cpu_main, cpu_workers = after[0] - before[0], after[1] - before[1]
    assert result is not None
    rss_self, rss_children = max_rss_mib(resource.RUSAGE_SELF), max_rss_mib(resource.RUSAGE_CHILDREN)

    paths = [f.path for f in result.files]
    changed = {f.path for f in result.files if f.status is Status.CHANGED}
    failed = sum(1 for f in result.files if f.status is Status.FAILED)
    lines = sum(len(f.old_source.splitlines()) for f in result.files)
    best = min(times)
    workers = Options(jobs=jobs).workers(len(paths))
    # Python files on disk only: not dependency files, nor the compat module a run would add.
    floor_rows = floor([p for p in paths if p.suffix == ".py" and p.exists()], {p for p in changed if p.exists()})
    floor_total = sum(t for _, t in floor_rows)

    rows: list[tuple[str, str]] = [
        ("files", f"{len(paths)}"),
        ("lines", f"{lines}"),
        ("jobs", f"{jobs or 'default'} -> {workers} worker{'s' if workers > 1 else ''}"),
        ("files changed", f"{len(changed)}"),
        ("files failed", f"{failed}"),
        ("findings", f"{len(result.all_findings())}"),
        ("", ""),
        *((f"pipeline run {i + 1}", f"{t:.3f}s") for i, t in enumerate(times)),
        ("pipeline best", f"{best:.3f}s"),
        *((f"  stage {name}", f"{t:.3f}s") for name, t in stages),
        ("cpu main process", f"{cpu_main:.3f}s (the serial part)"),
        ("cpu workers", f"{cpu_workers:.3f}s" if workers > 1 else "- (no workers)"),
        ("files/s", f"{len(paths) / best:.0f}"),
        ("kLOC/s", f"{lines / 1000 / best:.1f}"),
        ("peak rss self", f"{rss_self:.0f} MiB"),
        ("peak rss children", f"{rss_children:.0f} MiB (largest worker)" if workers > 1 else "- (no workers)"),
        ("", ""),
        *((f"floor {name}", f"{t:.3f}s") for name, t in floor_rows),
        ("floor total", f"{floor_total:.3f}s"),
        ("pipeline / floor", f"{best / floor_total:.2f}x"),
        ("", ""),
    ]
    stage_rows = phases(root, time_transform)
    rows.extend((f"serial {name}", f"{t:.3f}s") for name, t in stage_rows)
    staged = sum(t for _, t in stage_rows)
    rows.append(("serial stages total", f"{staged:.3f}s"))
    if not time_transform and workers == 1:
        rows.append(("transform + verify (best - stages)", f"{best - staged:.3f}s"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
