;;; ragfirst-eglot.el --- Use the ragfirst language server with Eglot  -*- lexical-binding: t; -*-

;; Works with the Eglot built into Emacs 29+ and with Eglot 1.9+ from ELPA (Debian 12:
;; emacs-nox + elpa-eglot).

;;; Commentary:

;; Load it from your init file:
;;
;;   (load "/path/to/ragfirst/editors/emacs/ragfirst-eglot.el")
;;   (add-hook 'python-mode-hook #'eglot-ensure)      ; and python-ts-mode-hook, ...
;;
;; Eglot runs one language server per major mode and project, so for the modes below
;; ragfirst takes the place of the server Eglot would otherwise pick (pylsp, pyright,
;; typescript-language-server, ...).  Trim `ragfirst-eglot-modes' before loading this
;; file to keep your usual server for some modes.
;;
;; Diagnostics show through Flymake; `M-x eglot-code-actions' on a finding offers
;; "Suppress RFxxx on this line (with reason)", "Suppress RFxxx in this file" and
;; "Open guide for RFxxx".

;;; Code:

(require 'eglot)

(defgroup ragfirst nil
  "The ragfirst linter and language server."
  :group 'tools
  :prefix "ragfirst-")

(defcustom ragfirst-server-command '("ragfirst" "server")
  "Command (program and arguments) that starts the ragfirst language server.
Point it at a virtualenv's ragfirst if it is not on `exec-path', e.g.
\(\"/path/to/.venv/bin/ragfirst\" \"server\")."
  :type '(repeat string)
  :group 'ragfirst)

(defvar ragfirst-eglot-modes
  '(
    ;; BEGIN generated file kinds (scripts/gen_editor_configs.py)
    (python-ts-mode :language-id "python")
    python-mode
    (jsonl-mode :language-id "jsonl")
    (rjsx-mode :language-id "javascriptreact")
    (js2-mode :language-id "javascript")
    (js-ts-mode :language-id "javascript")
    (jsonc-mode :language-id "jsonc")
    (json-ts-mode :language-id "json")
    json-mode
    (js-json-mode :language-id "json")
    (js-mode :language-id "javascript")
    (typescript-ts-mode :language-id "typescript")
    typescript-mode
    (tsx-ts-mode :language-id "typescriptreact")
    (vue-mode :language-id "vue")
    (svelte-mode :language-id "svelte")
    (yaml-ts-mode :language-id "yaml")
    yaml-mode
    (conf-toml-mode :language-id "toml")
    (toml-ts-mode :language-id "toml")
    (dotenv-mode :language-id "dotenv")
    (conf-unix-mode :language-id "ini")
    (conf-windows-mode :language-id "ini")
    (pip-requirements-mode :language-id "pip-requirements")
    (sql-mode :language-id "sql")
    ;; END generated file kinds
    )
  "Major modes (in `eglot-server-programs' form) whose buffers ragfirst serves.
Set it before loading ragfirst-eglot.el.")

(defun ragfirst-eglot-contact (&optional _interactive _project)
  "Eglot contact for ragfirst: `ragfirst-server-command', read at each start.
Eglot 1.9 calls it with one argument, later versions with two."
  ragfirst-server-command)

;; Added at the front, so these entries win over Eglot's defaults for the same modes.
(add-to-list 'eglot-server-programs (cons ragfirst-eglot-modes #'ragfirst-eglot-contact))

(provide 'ragfirst-eglot)

;;; ragfirst-eglot.el ends here
