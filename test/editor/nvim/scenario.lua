-- Neovim (0.7+) scenario against dist/server.js: pushed diagnostics, hover, a quick fix applied, re-lint.
-- Run: nvim --headless -u NONE -i NONE -n -c "luafile test/editor/nvim/scenario.lua" <Dockerfile>
-- Environment: DFS_SERVER (path to dist/server.js), DFS_RESULT (JSON file written at the end), DFS_LOCALE.
local result = { steps = {} }
local function step(name, data) table.insert(result.steps, { name = name, data = data }) end
local function finish(code)
  vim.fn.writefile({ vim.fn.json_encode(result) }, os.getenv('DFS_RESULT'))
  vim.cmd((code == 0) and 'qa!' or 'cq!')
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'dockerfile'
  local client_id = vim.lsp.start_client({
    name = 'dockerfile-seguro',
    cmd = { 'node', os.getenv('DFS_SERVER'), '--stdio' },
    cmd_env = { MALLOC_ARENA_MAX = '2' }, -- as the README's "Other editors" advises (server/launch.ts)
    root_dir = vim.fn.getcwd(),
    init_options = { locale = os.getenv('DFS_LOCALE') or 'en' },
  })
  assert(client_id, 'the language server did not start')
  vim.lsp.buf_attach_client(buf, client_id)

  -- Diagnostics are pushed (Neovim 0.7 has no pull diagnostics): wait on them, no sleeps.
  local got = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  assert(got, 'no diagnostics arrived')
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(diagnostics, { line = d.lnum, col = d.col, code = lsp.code, source = d.source, message = d.message,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL })
  end
  step('diagnostics', diagnostics)

  local client = vim.lsp.get_client_by_id(client_id)
  -- Hover over the first ADD keyword.
  local add_line
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:match('^ADD ') then add_line = i - 1 break end
  end
  assert(add_line, 'fixture must contain an ADD line')
  local hover = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = add_line, character = 1 },
  }, 5000, buf)
  step('hover', hover and hover.result and hover.result.contents or vim.NIL)

  -- The quick fix for prefer-copy on that line, applied as Neovim applies code actions.
  -- What vim.lsp.buf.code_action() sends in 0.7: the line's diagnostics converted back to LSP form.
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, add_line)
  local actions = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = add_line, character = 0 }, ['end'] = { line = add_line, character = 3 } },
    context = { diagnostics = line_diagnostics },
  }, 5000, buf)
  local titles, chosen = {}, nil
  for _, action in ipairs(actions and actions.result or {}) do
    table.insert(titles, action.title)
    if action.isPreferred and action.edit and not chosen then chosen = action end
  end
  step('actions', titles)
  assert(chosen, 'no preferred quick fix')
  local before = #vim.diagnostic.get(buf)
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  step('applied', chosen.title)
  step('line_after_fix', vim.api.nvim_buf_get_lines(buf, add_line, add_line + 1, false)[1])

  -- Re-lint: the server pushes new diagnostics for the new version.
  local relinted = vim.wait(15000, function() return #vim.diagnostic.get(buf) == before - 1 end, 20)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(codes, d.user_data and d.user_data.lsp and d.user_data.lsp.code or '?') end
  step('after', { relinted = relinted, codes = codes })
  vim.lsp.stop_client(client_id)
end)

if not ok then result.error = tostring(err) end
finish(ok and 0 or 1)
