-- ragfirst for Neovim 0.7 (Debian 12 ships 0.7.2): vim.lsp.start_client +
-- vim.lsp.buf_attach_client. Works on 0.8-0.10 too; on 0.8+ prefer
-- ragfirst_start.lua, and on 0.11+ lsp/ragfirst.lua.
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
local clients = {} -- project root ('' when none) -> client id

-- The nearest directory above `path` holding a root marker, or nil.
local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    for _, marker in ipairs(root_markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function attach(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return -- scratch and special buffers have nothing on disk to lint
  end
  local root = find_root(path)
  local key = root or ''
  local id = clients[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client({
      name = 'ragfirst',
      cmd = vim.g.ragfirst_cmd or { 'ragfirst', 'server' },
      -- nil (no marker found): the file is linted without a workspace folder
      root_dir = root,
      init_options = { inlayHints = true },
    })
    if not id then
      return
    end
    clients[key] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('ragfirst_lsp', { clear = true }),
  pattern = filetypes,
  callback = function(args)
    attach(args.buf)
  end,
})
