-- ragfirst for Neovim 0.8+ with the built-in client only (vim.lsp.start).
--
-- Put this file in ~/.config/nvim/plugin/ragfirst.lua (sourced at startup) or paste
-- it into init.lua. One server is started per project root and reused by every
-- buffer of that project.
--
-- `vim.g.ragfirst_cmd` (a list) overrides the command, e.g. a virtualenv's ragfirst:
--     vim.g.ragfirst_cmd = { '/path/to/.venv/bin/ragfirst', 'server' }

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

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('ragfirst_lsp', { clear = true }),
  pattern = filetypes,
  callback = function(args)
    local path = vim.api.nvim_buf_get_name(args.buf)
    if path == '' or vim.bo[args.buf].buftype ~= '' then
      return -- scratch and special buffers have nothing on disk to lint
    end
    local marker = vim.fs.find(root_markers, { upward = true, path = vim.fs.dirname(path) })[1]
    vim.lsp.start({
      name = 'ragfirst',
      cmd = vim.g.ragfirst_cmd or { 'ragfirst', 'server' },
      -- nil (no marker found): the file is linted without a workspace folder
      root_dir = marker and vim.fs.dirname(marker) or nil,
      init_options = { inlayHints = true },
    }, { bufnr = args.buf })
  end,
})
