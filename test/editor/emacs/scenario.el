;;; scenario.el --- Emacs + eglot against dist/server.js  -*- lexical-binding: t; -*-
;; Run: emacs --batch -Q -l test/editor/emacs/scenario.el <Dockerfile>
;; Environment: DFS_SERVER (dist/server.js), DFS_RESULT (JSON written at the end), DFS_LOCALE.
(require 'package)
;; Debian's elpa-eglot lives in the system package directory, which -Q leaves out.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'json)

(define-derived-mode dockerfile-mode prog-mode "Dockerfile")
(add-to-list 'eglot-server-programs
             `(dockerfile-mode . ("node" ,(getenv "DFS_SERVER") "--stdio"
                                  :initializationOptions (:locale ,(or (getenv "DFS_LOCALE") "en")))))
(setq eglot-sync-connect t eglot-autoshutdown t)

(defvar dfs-steps nil)
(defun dfs-step (name data) (push (list (cons 'name name) (cons 'data data)) dfs-steps))

(defun dfs-wait (predicate what)
  "Process server output until PREDICATE holds (15 s at most)."
  (let ((deadline (+ (float-time) 15)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (when (bound-and-true-p flymake-mode) (flymake-start)))
    (unless (funcall predicate) (error "Timed out waiting for %s" what))))

(defun dfs-lsp-diags ()
  (delq nil (mapcar (lambda (d) (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data d))))
                    (flymake-diagnostics))))

(defun dfs-codes () (mapcar (lambda (d) (plist-get d :code)) (dfs-lsp-diags)))

(let ((file (car command-line-args-left)) (exit 1))
  (condition-case err
      (progn
        (find-file file)
        (dockerfile-mode)
        (apply #'eglot (eglot--guess-contact)) ; eglot-ensure waits for a command loop that batch mode lacks
        (dfs-wait (lambda () (eglot-current-server)) "the server")
        (flymake-mode 1)
        (dfs-wait (lambda () (dfs-lsp-diags)) "diagnostics")
        (dfs-step "diagnostics"
                  (vconcat (mapcar (lambda (d)
                                     (let ((start (plist-get (plist-get d :range) :start)))
                                       (list (cons 'line (plist-get start :line)) (cons 'col (plist-get start :character))
                                             (cons 'code (plist-get d :code))
                                             (cons 'href (plist-get (plist-get d :codeDescription) :href)))))
                                   (dfs-lsp-diags))))
        (let* ((server (eglot-current-server))
               (add-line (progn (goto-char (point-min)) (re-search-forward "^ADD ") (1- (line-number-at-pos))))
               (position (list :line add-line :character 1))
               (hover (jsonrpc-request server :textDocument/hover
                                       (list :textDocument (eglot--TextDocumentIdentifier) :position position)))
               (line-diags (seq-filter (lambda (d) (= (plist-get (plist-get (plist-get d :range) :start) :line) add-line))
                                       (dfs-lsp-diags)))
               (actions (jsonrpc-request server :textDocument/codeAction
                                         (list :textDocument (eglot--TextDocumentIdentifier)
                                               :range (list :start (list :line add-line :character 0)
                                                            :end (list :line add-line :character 3))
                                               :context (list :diagnostics (vconcat line-diags)))))
               (chosen (seq-find (lambda (a) (and (eq (plist-get a :isPreferred) t) (plist-get a :edit))) actions))
               (before (length (dfs-lsp-diags))))
          (dfs-step "hover" (plist-get (plist-get hover :contents) :value))
          (dfs-step "actions" (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
          (unless chosen (error "No preferred quick fix"))
          (eglot--apply-workspace-edit (plist-get chosen :edit))
          (dfs-step "applied" (plist-get chosen :title))
          (dfs-step "line_after_fix" (save-excursion (goto-char (point-min)) (forward-line add-line)
                                                     (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          ;; Idle timers do not run in batch mode: send the change now, then wait for the new diagnostics.
          (eglot--signal-textDocument/didChange)
          (let ((relinted (condition-case nil
                              (progn (dfs-wait (lambda () (= (length (dfs-lsp-diags)) (1- before))) "re-lint") t)
                            (error nil))))
            (dfs-step "after" (list (cons 'relinted (if relinted t :json-false)) (cons 'codes (vconcat (dfs-codes)))))))
        (setq exit 0))
    (error (push (cons 'error (error-message-string err)) dfs-steps)))
  (with-temp-file (getenv "DFS_RESULT")
    (insert (json-encode
             (let ((error-entry (seq-find (lambda (s) (eq (car-safe s) 'error)) dfs-steps)))
               (append (list (cons 'steps (vconcat (reverse (seq-remove (lambda (s) (eq (car-safe s) 'error)) dfs-steps)))))
                       (when error-entry (list error-entry)))))))
  (kill-emacs exit))
