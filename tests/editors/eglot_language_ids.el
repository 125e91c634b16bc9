;;; eglot_language_ids.el --- The language id Eglot picks for each listed mode  -*- lexical-binding: t; -*-

;; Loaded after editors/emacs/ragfirst-eglot.el in `emacs --batch' by
;; test_emacs_language_ids.py.  Modes that this Emacs lacks are defined as their own
;; sources define them (the parent is what matters to Eglot); then, for every mode of
;; `ragfirst-eglot-modes', Eglot's own `eglot--lookup-mode' says which language id it
;; would send.  Prints one JSON object: {"MODE": "ID", ...}.

;;; Code:

(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'js)

(defmacro lid-define (mode parent)
  "Define MODE derived from PARENT unless this Emacs or a package has it."
  `(unless (fboundp ',mode)
     (define-derived-mode ,mode ,parent ,(symbol-name mode))))

;; Emacs 29+ (emacs-mirror/emacs lisp/progmodes/*.el, lisp/textmodes/*.el); their
;; js-base-mode / python-base-mode / typescript-ts-base-mode parents are not in the list.
(lid-define js-json-mode js-mode)
(lid-define python-ts-mode prog-mode)
(lid-define js-ts-mode prog-mode)
(lid-define typescript-ts-mode prog-mode)
(lid-define tsx-ts-mode prog-mode)
(lid-define json-ts-mode prog-mode)
(lid-define yaml-ts-mode text-mode)
(lid-define toml-ts-mode text-mode)
;; Packages (MELPA recipes; parents from each package's `define-derived-mode').
(lid-define json-mode javascript-mode)  ; json-emacs/json-mode
(lid-define jsonc-mode json-mode)
(lid-define jsonl-mode js-json-mode)    ; shegeley/emacs-jsonl-mode (not on MELPA)
(lid-define js2-mode js-mode)           ; mooz/js2-mode
(lid-define rjsx-mode js2-mode)         ; felipeochoa/rjsx-mode
(lid-define typescript-mode prog-mode)  ; emacs-typescript/typescript.el
(lid-define vue-mode html-mode)         ; AdamNiederer/vue-mode
(lid-define svelte-mode html-mode)      ; leafOfTree/svelte-mode
(lid-define yaml-mode text-mode)        ; yoshiki/yaml-mode
(lid-define dotenv-mode prog-mode)      ; preetpalS/emacs-dotenv-mode
(lid-define pip-requirements-mode prog-mode) ; Wilfred/pip-requirements.el

(defun lid-language-id (mode)
  "The languageId Eglot sends for a buffer in MODE (Eglot 1.9 and later shapes)."
  (let ((found (eglot--lookup-mode mode)))
    (cond
     ((null found) nil)
     ;; Eglot 1.9: (MANAGED-MODES LANGUAGE-ID CONTACT)
     ((stringp (nth 1 found)) (nth 1 found))
     ;; later: (((MODE . ID) ...) . CONTACT): the first MODE the buffer's mode derives from
     (t (cl-loop for (probe . id) in (car found)
                 when (provided-mode-derived-p mode probe) return id)))))

(let ((result nil))
  (dolist (entry ragfirst-eglot-modes)
    (let ((mode (if (consp entry) (car entry) entry)))
      (push (cons (symbol-name mode) (lid-language-id mode)) result)))
  (princ (json-encode (nreverse result)))
  (terpri))

;;; eglot_language_ids.el ends here
