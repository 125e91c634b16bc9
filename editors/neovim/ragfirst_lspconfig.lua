-- ragfirst for setups that use nvim-lspconfig.
--
-- Neovim 0.11+: nvim-lspconfig now only ships configs for `vim.lsp.config`; a server
-- it does not know (ragfirst) is declared with vim.lsp.config and turned on with
-- vim.lsp.enable, beside the servers lspconfig provides:
--
--     vim.lsp.config('ragfirst', { ... })   -- below
--     vim.lsp.enable({ 'pyright', 'ragfirst' })
--
-- Neovim 0.8-0.10 with an older nvim-lspconfig: the custom-server registration
-- (`require('lspconfig.configs')`) below is used instead.

local filetypes = {
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
}
local root_markers = { 'pyproject.toml', 'ragfirst.toml', '.ragfirst.toml', '.git' }
local cmd = vim.g.ragfirst_cmd or { 'ragfirst', 'server' }

if vim.fn.has('nvim-0.11') == 1 then
  vim.lsp.config('ragfirst', {
    cmd = cmd,
    filetypes = filetypes,
    root_markers = root_markers,
    init_options = { inlayHints = true },
  })
  vim.lsp.enable('ragfirst')
  return
end

local lspconfig = require('lspconfig')
local configs = require('lspconfig.configs')

if not configs.ragfirst then
  configs.ragfirst = {
    default_config = {
      cmd = cmd,
      filetypes = filetypes,
      root_dir = lspconfig.util.root_pattern(unpack(root_markers)),
      single_file_support = true,
      init_options = { inlayHints = true },
    },
    docs = {
      description = 'ragfirst: a linter and language server for LLM codebases (`ragfirst server`).',
    },
  }
end

lspconfig.ragfirst.setup({})
