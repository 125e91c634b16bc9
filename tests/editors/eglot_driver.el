;;; eglot_driver.el --- Drive Eglot against ragfirst for test_emacs_eglot.py  -*- lexical-binding: t; -*-

;; Loaded after editors/emacs/ragfirst-eglot.el in `emacs --batch': open a file, start
;; Eglot with the shipped `eglot-server-programs' entry, wait for ragfirst's RF101
;; diagnostic in Flymake, apply the "Suppress RF101 on this line (with reason)" code
;; action, and wait for the re-lint.  Results go to a JSON file.
;;
;; Inputs (environment): RAGFIRST_TEST_FILE, RAGFIRST_TEST_OUT, RAGFIRST_TEST_CMD (JSON
;; list), RAGFIRST_TEST_TIMEOUT_S.

;;; Code:

(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'flymake)

(defconst drv-title "Suppress RF101 on this line (with reason)")
(defvar drv-timeout (string-to-number (or (getenv "RAGFIRST_TEST_TIMEOUT_S") "30")))
(defvar drv-result nil "Alist written as JSON at the end.")
(defvar drv-steps nil)

(defun drv-put (key value) (push (cons key value) drv-result))
(defun drv-step (name) (setq drv-steps (append drv-steps (list name))))

(defun drv-wait (predicate &optional poke)
  "Run the event loop until PREDICATE is non-nil or `drv-timeout' passes.
POKE, when given, is called every half second while waiting."
  (let ((deadline (+ (float-time) drv-timeout))
        (next-poke 0))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (when (and poke (> (float-time) next-poke))
        (funcall poke)
        (setq next-poke (+ (float-time) 0.5)))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun drv-lsp-diags ()
  "The LSP diagnostics behind the buffer's Flymake diagnostics."
  (cl-loop for diag in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag)))
           when lsp collect lsp))

(defun drv-plain (lsp)
  `((line . ,(plist-get (plist-get (plist-get lsp :range) :start) :line))
    (code . ,(format "%s" (plist-get lsp :code)))
    (source . ,(plist-get lsp :source))
    (message . ,(plist-get lsp :message))))

(defun drv-rf101-p ()
  (cl-some (lambda (lsp) (and (equal (format "%s" (plist-get lsp :code)) "RF101")
                              (equal (plist-get lsp :source) "ragfirst")))
           (drv-lsp-diags)))

(defvar drv-publishes 0 "publishDiagnostics notifications seen.")
(defvar drv-last-publish nil "The diagnostics of the last one.")

(defun drv-count-publish (_server method &rest params)
  (when (eq method 'textDocument/publishDiagnostics)
    (setq drv-publishes (1+ drv-publishes)
          drv-last-publish (append (plist-get params :diagnostics) nil))))

(advice-add 'eglot-handle-notification :before #'drv-count-publish)

(defun drv-poke ()
  "What an interactive session does by itself: send pending edits, run Flymake."
  (when (fboundp 'eglot--signal-textDocument/didChange)
    (eglot--signal-textDocument/didChange))
  (flymake-start))

(defun drv-apply (server action)
  "Apply code ACTION the way `eglot-code-actions' does, on any Eglot version."
  (if (fboundp 'eglot-execute)          ; Eglot 1.14+
      (eglot-execute server action)
    (let ((edit (plist-get action :edit)))
      (when edit (eglot--apply-workspace-edit edit)))))

(defun drv-diag-where (predicate)
  (cl-find-if predicate (drv-lsp-diags)))

(defun drv-code-is (lsp code) (equal (format "%s" (plist-get lsp :code)) code))

(defun drv-open-managed (file)
  "Visit FILE in the same Eglot session (what `eglot-ensure' does for it)."
  (find-file file)
  (eglot--maybe-activate-editing-mode)
  (drv-wait (lambda () (eglot-current-server))))

(defun drv-jsx-suppression (server project)
  "Issue 24's bug 7: suppressing RF405 inside JSX children of page.jsx gives a JSX comment.
Emacs 28 has no TSX mode; its own mode for .jsx files is `js-mode'."
  (drv-open-managed (expand-file-name "page.jsx" project))
  (drv-put 'jsx_mode (symbol-name major-mode))
  (let ((leak (lambda () (drv-diag-where (lambda (d) (drv-code-is d "RF405")))))
        (title "Suppress RF405 on this line (with reason)"))
    (unless (drv-wait leak #'flymake-start)
      (error "No RF405 diagnostic in page.jsx within %s s" drv-timeout))
    (drv-put 'jsx_line (plist-get (plist-get (plist-get (funcall leak) :range) :start) :line))
    (let* ((actions (eglot-code-actions (point-min) (point-max)))
           (chosen (cl-find title actions :key (lambda (a) (plist-get a :title)) :test #'equal)))
      (unless chosen (error "No %S code action in page.jsx" title))
      (drv-apply server chosen))
    (drv-put 'jsx_lines_after_fix
             (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))
    (drv-put 'jsx_relinted (if (drv-wait (lambda () (not (funcall leak))) #'drv-poke) t :json-false))
    (set-buffer-modified-p nil)
    (drv-step "JSX suppression applied")))

(defun drv-editor-bugs (server)
  "Issue 24's bugs 5, 1, 2 and 7 in Eglot (broken.py, tune.py, rag.py, page.jsx)."
  (let ((project (file-name-directory (getenv "RAGFIRST_TEST_FILE"))))
    ;; 5: "Open guide": Eglot has no window/showDocument; the URL comes back (no null)
    (drv-put 'open_guide
             (condition-case err
                 (jsonrpc-request server :workspace/executeCommand
                                  '(:command "ragfirst.openGuide"
                                    :arguments ["https://ragfirst.invalid/guide"]))
               (error (format "error: %s" (error-message-string err)))))
    (drv-step "open guide answered")
    ;; 1: a syntax error typed in an unsaved buffer, at its column in the buffer
    (drv-open-managed (expand-file-name "broken.py" project))
    (erase-buffer)
    (insert "import openai\nopenai.fine_tuning.jobs.create(x = 1 $ 2)\n")
    (drv-wait (lambda () (drv-diag-where (lambda (d) (and (drv-code-is d "RF000")
                                                          (equal (plist-get (plist-get (plist-get d :range) :start) :line) 1)))))
              #'drv-poke)
    (let ((found (drv-diag-where (lambda (d) (drv-code-is d "RF000")))))
      (drv-put 'syntax_error (and found (plist-get (plist-get found :range) :start))))
    (set-buffer-modified-p nil)
    (drv-step "syntax error position read")
    ;; 2: a file changed on disk reaches an open document
    (drv-open-managed (expand-file-name "tune.py" project))
    (drv-wait (lambda () (drv-diag-where (lambda (d) (drv-code-is d "RF101")))) #'flymake-start)
    (drv-put 'rf101_before (plist-get (drv-diag-where (lambda (d) (drv-code-is d "RF101"))) :message))
    (with-temp-file (expand-file-name "rag.py" project)
      (insert "from pinecone import Pinecone\n\nindex = Pinecone().Index('docs')\n"))
    ;; Emacs in batch mode delivers no file-notify events to Eglot's watcher: a save of
    ;; the open buffer makes the server check modification times instead
    (set-buffer-modified-p t)
    (save-buffer)
    (drv-wait (lambda () (drv-diag-where (lambda (d) (and (drv-code-is d "RF101")
                                                          (string-match-p "rag.py:3" (plist-get d :message))))))
              #'flymake-start)
    (drv-put 'rf101_after (plist-get (drv-diag-where (lambda (d) (drv-code-is d "RF101"))) :message))
    (drv-step "disk change seen")
    (drv-jsx-suppression server project)))

(defun drv-run ()
  (setq ragfirst-server-command
        (append (json-read-from-string (getenv "RAGFIRST_TEST_CMD")) nil))
  (setq eglot-send-changes-idle-time 0.1)
  (find-file (getenv "RAGFIRST_TEST_FILE"))
  (drv-put 'major_mode (symbol-name major-mode))
  ;; what `eglot-ensure' does on the next command, which never comes in batch mode
  (apply #'eglot (eglot--guess-contact))
  (drv-wait (lambda () (eglot-current-server)))
  (let ((server (or (eglot-current-server) (error "Eglot did not connect")))
        (published 0))
    (drv-step "connected")
    ;; Flymake starts on display or after edits; nudge it, as showing the buffer would
    (unless (drv-wait #'drv-rf101-p #'flymake-start)
      (drv-put 'diagnostics_before (mapcar #'drv-plain (drv-lsp-diags)))
      (error "No RF101 diagnostic from ragfirst within %s s" drv-timeout))
    (drv-put 'diagnostics_before (mapcar #'drv-plain (drv-lsp-diags)))
    (drv-step "diagnostics received")
    (let* ((actions (eglot-code-actions (point-min) (point-max)))
           (chosen (cl-find drv-title actions
                            :key (lambda (a) (plist-get a :title)) :test #'equal)))
      (drv-put 'action_titles (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
      (unless chosen (error "No %S code action" drv-title))
      (drv-step "code action found")
      (setq published drv-publishes)
      (drv-apply server chosen))
    (drv-put 'lines_after_fix
             (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max))
                                    "\n")))
    (drv-step "quick fix applied")
    ;; a new publishDiagnostics without RF101, and Flymake showing it
    (unless (drv-wait (lambda ()
                        (and (> drv-publishes published)
                             (not (cl-some (lambda (lsp) (equal (format "%s" (plist-get lsp :code))
                                                                "RF101"))
                                           drv-last-publish))
                             (not (drv-rf101-p))))
                      #'drv-poke)
      (drv-put 'diagnostics_after (mapcar #'drv-plain (drv-lsp-diags)))
      (error "RF101 still reported %s s after the fix" drv-timeout))
    (drv-put 'diagnostics_after (mapcar #'drv-plain (drv-lsp-diags)))
    (drv-step "re-linted without RF101")
    (set-buffer-modified-p nil)
    (drv-editor-bugs server)
    (eglot-shutdown server)
    (drv-step "server stopped")))

(drv-put 'emacs_version emacs-version)
(drv-put 'eglot_library (locate-library "eglot"))
(condition-case err
    (progn (drv-run) (drv-put 'ok t))
  (error (drv-put 'ok :json-false)
         (drv-put 'error (error-message-string err))))
(drv-put 'steps (vconcat drv-steps))
(with-temp-file (getenv "RAGFIRST_TEST_OUT")
  (insert (json-encode drv-result)))
(kill-emacs 0)

;;; eglot_driver.el ends here
