-- Drives a real, headless Neovim through one of the shipped configs in editors/neovim/:
-- open a file, wait for ragfirst's diagnostics, apply the "Suppress RF101 on this line"
-- quick fix, wait for the re-lint. Results go to a JSON file that test_neovim.py reads.
--
-- Inputs (environment): RAGFIRST_TEST_VARIANT (legacy | start | config),
-- RAGFIRST_EDITORS_DIR, RAGFIRST_TEST_FILE, RAGFIRST_TEST_OUT, RAGFIRST_TEST_CMD (JSON
-- list), RAGFIRST_TEST_TIMEOUT_MS. Runs on Neovim 0.7 and later.

local variant = os.getenv('RAGFIRST_TEST_VARIANT')
local editors = os.getenv('RAGFIRST_EDITORS_DIR')
local file = os.getenv('RAGFIRST_TEST_FILE')
local out = os.getenv('RAGFIRST_TEST_OUT')
local timeout = tonumber(os.getenv('RAGFIRST_TEST_TIMEOUT_MS') or '30000')
local TITLE = 'Suppress RF101 on this line (with reason)'

local result = { variant = variant, steps = {} }
local version = vim.version()
result.nvim_version = string.format('%d.%d.%d', version.major, version.minor, version.patch)

local function step(name)
  table.insert(result.steps, name)
end

local function write_result()
  local handle = assert(io.open(out, 'w'))
  handle:write(vim.fn.json_encode(result))
  handle:close()
end

local function clients_of(bufnr)
  local list = {}
  if vim.lsp.get_clients then -- 0.10+
    list = vim.lsp.get_clients({ bufnr = bufnr, name = 'ragfirst' })
  else
    for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if client.name == 'ragfirst' then
        table.insert(list, client)
      end
    end
  end
  return list
end

local function plain_diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, {
      lnum = d.lnum,
      col = d.col,
      code = d.code and tostring(d.code) or vim.NIL,
      source = d.source or vim.NIL,
      message = d.message,
    })
  end
  return list
end

local function find_rf101(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if tostring(d.code) == 'RF101' and d.source == 'ragfirst' then
      return d
    end
  end
  return nil
end

-- A vim.diagnostic item back in LSP form (what vim.lsp.buf.code_action sends): the
-- original LSP fields kept in user_data.lsp (all of them on 0.10+, `data` among them
-- on 0.7) win over the ones rebuilt here.
local function to_lsp(d)
  local rebuilt = {
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  }
  local lsp = (d.user_data and d.user_data.lsp) or {}
  return vim.tbl_extend('keep', lsp, rebuilt)
end

local function diagnostic_where(bufnr, predicate)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'ragfirst' and predicate(d) then
      return d
    end
  end
  return nil
end

-- The code action titled `title` offered for one diagnostic of the current buffer.
local function action_for(bufnr, client, diagnostic, title)
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.range = to_lsp(diagnostic).range
  params.context = { diagnostics = { to_lsp(diagnostic) } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      if action.title == title then
        return action
      end
    end
  end
  return nil
end

-- Issue 24's bug 7: the suppression of a finding inside JSX children, in a .tsx buffer,
-- is a JSX comment `{/* ... */}` (a `//` line there would be visible text).
local function jsx_suppression(client, project)
  vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/page.tsx'))
  local page = vim.api.nvim_get_current_buf()
  local jsx = { filetype = vim.bo[page].filetype }
  result.bugs.jsx = jsx
  vim.wait(timeout, function() return #clients_of(page) > 0 end, 50)
  local function leak()
    return diagnostic_where(page, function(d) return tostring(d.code) == 'RF405' end)
  end
  vim.wait(timeout, function() return leak() ~= nil end, 50)
  local found = leak()
  if not found then
    error('no RF405 diagnostic in page.tsx within ' .. timeout .. ' ms')
  end
  jsx.lnum = found.lnum
  local action = action_for(page, client, found, 'Suppress RF405 on this line (with reason)')
  if not action then
    error('no "Suppress RF405 on this line (with reason)" code action in page.tsx')
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  jsx.lines_after_fix = vim.api.nvim_buf_get_lines(page, 0, -1, false)
  jsx.relinted = vim.wait(timeout, function() return leak() == nil end, 50)
  step('JSX suppression applied')
end

-- Issue 24's bugs 1, 2, 5 and 7, in the real editor (the project has broken.py, tune.py,
-- rag.py and page.tsx from test_neovim.py).
function editor_bugs(client, first_buffer)
  local project = vim.fn.fnamemodify(file, ':h')
  result.bugs = {}

  -- 5: "Open guide" answers (showDocument only if advertised; else the URL comes back)
  local href = 'https://ragfirst.invalid/guide/when-to-fine-tune.md'
  local response = client.request_sync('workspace/executeCommand', {
    command = 'ragfirst.openGuide', arguments = { href },
  }, timeout, first_buffer)
  result.bugs.open_guide = { err = response and response.err or vim.NIL, result = response and response.result or vim.NIL }
  step('open guide answered')

  -- 1: a syntax error in an unsaved buffer, at its column in the buffer (the saved file
  -- has multi-byte text on that line)
  vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/broken.py'))
  local broken = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function() return #clients_of(broken) > 0 end, 50)
  vim.api.nvim_buf_set_lines(broken, 0, -1, false, { 'import openai', 'openai.fine_tuning.jobs.create(x = 1 $ 2)' })
  vim.wait(timeout, function()
    return diagnostic_where(broken, function(d) return tostring(d.code) == 'RF000' and d.lnum == 1 end) ~= nil
  end, 50)
  local syntax = diagnostic_where(broken, function(d) return tostring(d.code) == 'RF000' end)
  result.bugs.syntax_error = syntax and { lnum = syntax.lnum, col = syntax.col } or vim.NIL
  step('syntax error position read')

  -- 2: a file changed on disk (Neovim 0.7 cannot watch files): saving another buffer
  -- makes the server look at modification times
  vim.cmd('edit ' .. vim.fn.fnameescape(project .. '/tune.py'))
  local tune = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function() return #clients_of(tune) > 0 end, 50)
  vim.wait(timeout, function()
    return diagnostic_where(tune, function(d) return tostring(d.code) == 'RF101' end) ~= nil
  end, 50)
  local first = diagnostic_where(tune, function(d) return tostring(d.code) == 'RF101' end)
  result.bugs.rf101_before = first and first.message or vim.NIL
  local handle = assert(io.open(project .. '/rag.py', 'w'))
  handle:write("from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n")
  handle:close()
  vim.cmd('write')
  vim.wait(timeout, function()
    return diagnostic_where(tune, function(d) return tostring(d.code) == 'RF101' and d.message:find('rag.py:3', 1, true) end) ~= nil
  end, 50)
  local after = diagnostic_where(tune, function(d) return tostring(d.code) == 'RF101' end)
  result.bugs.rf101_after = after and after.message or vim.NIL
  step('disk change seen')
  jsx_suppression(client, project)
  vim.cmd('buffer ' .. first_buffer)
end

local function run()
  vim.cmd('filetype on') -- -u NONE leaves filetype detection off
  vim.g.ragfirst_cmd = vim.fn.json_decode(os.getenv('RAGFIRST_TEST_CMD'))

  local changes = 0 -- DiagnosticChanged events: push and pull diagnostics alike
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    callback = function()
      changes = changes + 1
    end,
  })

  if variant == 'legacy' then
    dofile(editors .. '/neovim/ragfirst_legacy.lua')
  elseif variant == 'start' then
    dofile(editors .. '/neovim/ragfirst_start.lua')
  elseif variant == 'config' then
    -- exactly as a user would: the file found as lsp/ragfirst.lua on 'runtimepath'
    vim.opt.runtimepath:prepend(editors .. '/neovim')
    vim.lsp.enable('ragfirst')
  else
    error('unknown variant ' .. tostring(variant))
  end
  step('config loaded')

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype

  local attached = vim.wait(timeout, function()
    return #clients_of(bufnr) > 0
  end, 50)
  if not attached then
    error('no ragfirst client attached to the buffer (filetype ' .. result.filetype .. ')')
  end
  local client = clients_of(bufnr)[1]
  result.offset_encoding = client.offset_encoding
  result.root_dir = client.config.root_dir or vim.NIL
  step('client attached')

  local got = vim.wait(timeout, function()
    return find_rf101(bufnr) ~= nil
  end, 50)
  result.diagnostics_before = plain_diagnostics(bufnr)
  if not got then
    error('no RF101 diagnostic from ragfirst within ' .. timeout .. ' ms')
  end
  step('diagnostics received')

  local diagnostic = find_rf101(bufnr)
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.range = to_lsp(diagnostic).range
  params.context = { diagnostics = { to_lsp(diagnostic) } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  local chosen
  result.action_titles = {}
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.action_titles, action.title)
      if action.title == TITLE then
        chosen = action
      end
    end
  end
  if not chosen then
    error('no "' .. TITLE .. '" code action')
  end
  step('code action found')

  local before_edit = changes
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  result.lines_after_fix = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  step('quick fix applied')

  local relinted = vim.wait(timeout, function()
    return changes > before_edit and find_rf101(bufnr) == nil
  end, 50)
  result.diagnostics_after = plain_diagnostics(bufnr)
  if not relinted then
    error('RF101 still reported (or no re-lint) ' .. timeout .. ' ms after the fix')
  end
  step('re-linted without RF101')

  if os.getenv('RAGFIRST_TEST_BUGS') == '1' then
    editor_bugs(client, bufnr)
  end

  -- shut the server down cleanly rather than leaving it to the exit of Neovim
  vim.lsp.stop_client(client.id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client.id) == nil
  end, 50)
  step('server stopped')
end

local ok, err = xpcall(run, debug.traceback)
result.ok = ok
if not ok then
  result.error = tostring(err)
end
write_result()
vim.cmd('qa!')
