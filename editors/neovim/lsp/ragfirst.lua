-- ragfirst for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable).
--
-- Copy this file to ~/.config/nvim/lsp/ragfirst.lua (any `lsp/` directory on
-- 'runtimepath' works), then enable it once in init.lua:
--
--     vim.lsp.enable('ragfirst')
--
-- `vim.g.ragfirst_cmd` (a list) overrides the command, e.g. a virtualenv's ragfirst:
--     vim.g.ragfirst_cmd = { '/path/to/.venv/bin/ragfirst', 'server' }

---@type vim.lsp.Config
return {
  cmd = vim.g.ragfirst_cmd or { 'ragfirst', 'server' },
  filetypes = {
    -- BEGIN generated file kinds (scripts/gen_editor_configs.py)
    'python',
    'jsonl',
    'javascript',
    'javascriptreact',
    'typescript',
    'typescriptreact',
    'vue',
    'svelte',
    'yaml',
    'json',
    'jsonc',
    'toml',
    'sh',
    'dosini',
    'cfg',
    'requirements',
    'sql',
    -- END generated file kinds
  },
  -- The nearest directory holding one of these becomes the workspace folder that
  -- ragfirst indexes. Without any, the file is still linted, with no workspace.
  root_markers = { 'pyproject.toml', 'ragfirst.toml', '.ragfirst.toml', '.git' },
  -- Optional; these are the server's defaults.
  init_options = {
    inlayHints = true,
    -- severityOverrides = { RF101 = 'warning' },
    -- debounceMs = 150,
  },
}
