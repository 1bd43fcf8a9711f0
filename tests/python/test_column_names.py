"""Every column the notebooks and these tests name is a column of the catalog.

columns.json lists every table's columns as org.overparam.results.Catalog declares them (the Java
test ColumnsFileTest keeps it current). Here each notebook's code cells and each test file are
parsed, and every name they use as a column is looked up: arguments of pandas, pyarrow and Spark
calls that take column names, string subscripts, and the identifiers of their SQL (DuckDB and
Spark). A name passes when the catalog has it or the code defines it itself (an aggregate's
name, an alias, a dict key, a merge suffix), so a misspelt column fails here, not in a notebook.
"""
import ast
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CATALOG = {t: cols for t, cols in json.loads((ROOT / "tests" / "python" / "columns.json")
                                              .read_text()).items() if not t.startswith("_")}
COLUMNS = {c for cols in CATALOG.values() for c in cols}

# Calls whose string arguments (also in lists and tuples) name columns.
COLUMN_CALLS = {"groupby", "groupBy", "partitionBy", "orderBy", "sort_values", "col", "field",
                "column", "select", "drop", "max", "min", "avg", "sum", "isnan", "abs",
                "schema"}
# Keyword arguments that name columns.
COLUMN_KEYWORDS = {"on", "by", "columns", "subset"}
# Calls whose first argument is SQL.
SQL_CALLS = {"sql", "execute", "where", "filter"}
# Calls whose dict argument's keys name the columns of a table being made.
TABLE_CALLS = {"table", "DataFrame"}
SQL_WORDS = {"select", "from", "where", "with", "as", "over", "partition", "by", "and", "or",
             "not", "group", "order", "all", "filter", "rows", "between", "unbounded",
             "preceding", "following", "current", "row", "is", "null", "true", "false", "in",
             "asc", "desc", "distinct", "limit", "on", "join", "hive_partitioning"}


# Test files that read no result table, with why: their subscripts name other things.
NOT_RESULTS = {"test_mnist1d_data.py": "indexes MNIST-1D's .npz arrays (x, y, y_test)"}


def sources():
    """(name, Python source) of every notebook's code and every test file but this one and
    those of NOT_RESULTS."""
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        yield nb.name, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for py in sorted((ROOT / "tests" / "python").glob("*.py")):
        if py.name != pathlib.Path(__file__).name and py.name not in NOT_RESULTS:
            yield py.name, py.read_text()


def _text(node):
    """The text of a string or f-string (placeholders left out), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _name(call):
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


class Uses(ast.NodeVisitor):
    """The column names one source uses and the names it defines."""

    def __init__(self, tree):
        self.used, self.defined, self.suffixes, self.tables = [], set(), set(), set()
        # Lists of strings bound to a name (SETTING = [...]) stand for their strings.
        self.lists = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                      for t in n.targets if isinstance(t, ast.Name)
                      and isinstance(n.value, (ast.List, ast.Tuple))}
        self.visit(tree)

    def strings(self, node):
        """The strings a column argument holds: itself, a list's items, a bound list's."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for e in node.elts:
                yield from self.strings(e)
        elif isinstance(node, ast.BinOp):
            yield from self.strings(node.left)
            yield from self.strings(node.right)
        elif isinstance(node, ast.Starred):
            yield from self.strings(node.value)
        elif isinstance(node, ast.Name) and node.id in self.lists:
            yield from self.strings(self.lists[node.id])

    def visit_Call(self, node):
        name = _name(node)
        if name in COLUMN_CALLS:
            for a in node.args:
                self.used += self.strings(a)
        if name in SQL_CALLS and node.args and _text(node.args[0]) is not None:
            self.sql(_text(node.args[0]))
        if name in ("alias", "withColumn") and node.args:
            self.defined.update(self.strings(node.args[0]))
        if name in TABLE_CALLS and node.args and isinstance(node.args[0], ast.Dict):
            self.tables.add(id(node.args[0]))
            self.used += [k.value for k in node.args[0].keys if isinstance(k, ast.Constant)]
        for k in node.keywords:
            if k.arg in COLUMN_KEYWORDS:
                self.used += self.strings(k.value)
            elif k.arg == "suffixes":
                self.suffixes.update(s for s in self.strings(k.value) if s)
            elif name in ("agg", "assign") and k.arg is not None:
                self.defined.add(k.arg)  # agg(test_error_sd=("test_error", "std"))
                if isinstance(k.value, ast.Tuple) and k.value.elts:
                    self.used += self.strings(k.value.elts[0])
        self.generic_visit(node)

    def visit_Subscript(self, node):
        keys = list(self.strings(node.slice))
        if isinstance(node.ctx, ast.Store):
            self.defined.update(keys)
        else:
            self.used += keys
        self.generic_visit(node)

    def visit_Dict(self, node):
        if id(node) not in self.tables:  # a dict's keys name what it holds
            self.defined.update(k.value for k in node.keys if isinstance(k, ast.Constant))
        self.generic_visit(node)

    def sql(self, text):
        """Identifiers of a SQL text: column references, and aliases and CTEs it defines."""
        text = re.sub(r"'[^']*'", " ", text)
        text = re.sub(r"\$\w+", " ", text)
        tokens = re.findall(r"\d[\w.]*|[A-Za-z_]\w*|\S", text)
        for i, t in enumerate(tokens):
            if t.lower() == "as" and i + 1 < len(tokens):
                self.defined.add(tokens[i - 1] if tokens[i + 1] == "(" else tokens[i + 1])
        for i, t in enumerate(tokens):
            if not re.fullmatch(r"[A-Za-z_]\w*", t) or t.lower() in SQL_WORDS:
                continue
            if i + 1 < len(tokens) and tokens[i + 1] == "(":
                continue  # a function
            self.used.append(t)


def uses(source):
    return Uses(ast.parse(source))


def unknown(all_uses):
    """Names used as columns that neither the catalog has nor any source defines."""
    defined = set().union(*(u.defined for u in all_uses.values()))
    suffixes = set().union(*(u.suffixes for u in all_uses.values()))
    known = COLUMNS | defined

    def ok(n):
        return n in known or any(n.endswith(s) and n[: -len(s)] in known for s in suffixes)

    return {name: sorted({n for n in u.used if not ok(n)}) for name, u in all_uses.items()
            if any(not ok(n) for n in u.used)}


ALL = {name: uses(src) for name, src in sources()}
UNKNOWN = unknown(ALL)


def test_the_columns_file_lists_the_results_and_analysis_tables():
    assert {"metrics", "runs", "compression", "curves", "double_descent",
            "scaling_fits"} <= set(CATALOG)
    assert CATALOG["metrics"]["label_noise"] == "double"


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_column_name_used_is_in_the_catalog(name):
    assert name not in UNKNOWN, f"{name} uses column names the catalog lacks: {UNKNOWN[name]}"


def test_the_notebooks_are_read_for_their_columns():
    for nb in ("double_descent.ipynb", "scaling_laws.ipynb"):
        used = set(ALL[nb].used) & COLUMNS
        assert {"params", "test_loss", "train_size", "epoch", "run_id", "status"} <= used, nb


def test_a_misspelt_column_fails():
    code = '''
SETTING = ["depth", "label_nosie"]
df.groupby(SETTING + ["params"])["test_eror"].mean()
spark_df.where("epoc = 1").select(F.col("widht"))
duckdb.execute("select avg(train_error) as mean_error, trian_size from read_parquet($f) "
               "where mean_error > 1e-3 group by all")
'''
    assert unknown({"snippet": uses(code)}) == {
        "snippet": ["epoc", "label_nosie", "test_eror", "trian_size", "widht"]}
