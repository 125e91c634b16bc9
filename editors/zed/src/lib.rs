//! A minimal Zed extension that runs `ragfirst server` as a language server.
//!
//! Zed only starts language servers that an extension registers, so this is the whole
//! job: find the command, pass the user's `lsp.ragfirst` settings through.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct RagfirstExtension;

impl zed::Extension for RagfirstExtension {
    fn new() -> Self {
        RagfirstExtension
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        // 1. An explicit command from settings.json:
        //    "lsp": { "ragfirst": { "binary": { "path": "...", "arguments": ["server"] } } }
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        if let Some(binary) = binary {
            if let Some(path) = binary.path {
                return Ok(zed::Command {
                    command: path,
                    args: binary.arguments.unwrap_or_else(|| vec!["server".to_string()]),
                    env: binary.env.map(|env| env.into_iter().collect()).unwrap_or_default(),
                });
            }
        }

        // 2. `ragfirst` on the PATH of the project's shell environment (an activated
        //    virtualenv or direnv counts).
        let path = worktree.which("ragfirst").ok_or_else(|| {
            "ragfirst is not on PATH: `pip install ragfirst`, or set \
             lsp.ragfirst.binary.path in settings.json"
                .to_string()
        })?;
        Ok(zed::Command {
            command: path,
            args: vec!["server".to_string()],
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.settings))
    }
}

zed::register_extension!(RagfirstExtension);
