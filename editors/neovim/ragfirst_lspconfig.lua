-- ragfirst through nvim-lspconfig's custom-server registration (lspconfig.configs),
-- for setups that already call require('lspconfig').<server>.setup{}.
--
-- nvim-lspconfig is not bundled with Neovim; this needs the plugin installed. On
-- Neovim 0.11+ its `require('lspconfig')` framework is deprecated: use
-- lsp/ragfirst.lua with vim.lsp.enable('ragfirst') instead.

local lspconfig = require('lspconfig')
local configs = require('lspconfig.configs')

if not configs.ragfirst then
  configs.ragfirst = {
    default_config = {
      cmd = vim.g.ragfirst_cmd or { 'ragfirst', 'server' },
      filetypes = {
        'python', 'yaml', 'json', 'jsonl', 'toml',
        'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
        'vue', 'svelte', 'requirements',
      },
      root_dir = lspconfig.util.root_pattern('pyproject.toml', 'ragfirst.toml', '.ragfirst.toml', '.git'),
      single_file_support = true,
      init_options = { inlayHints = true },
    },
    docs = {
      description = 'ragfirst: a linter and language server for LLM codebases (`ragfirst server`).',
    },
  }
end

lspconfig.ragfirst.setup({})
