"""The file suffixes the JS/TS analyzer reads, apart from it: the registry needs them at
start, the analyzer (and tree-sitter, which it imports) only when such a file is analysed."""

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
EMBEDDED_SUFFIXES = (".vue", ".svelte")
SUFFIXES = JS_SUFFIXES + EMBEDDED_SUFFIXES
