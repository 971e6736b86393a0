//! A real SMTP server (aiosmtpd, tests/smtp/smtp_server.py) on loopback, its mail kept as files.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct SmtpServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let venv = std::env::var_os("PAYDESK_PY_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/py-venv"));
        let python = venv.join("bin/python");
        assert!(
            python.exists(),
            "needs aiosmtpd in {}: run scripts/python-tools.sh",
            venv.display()
        );
        let maildir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python)
            .arg(root.join("tests/smtp/smtp_server.py"))
            .arg("--maildir")
            .arg(maildir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        let port = ready
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("SMTP server didn't start: {ready:?}"));
        SmtpServer {
            port,
            maildir,
            child,
        }
    }

    #[allow(dead_code)]
    pub fn first_message(&self) -> Vec<u8> {
        std::fs::read(self.maildir.path().join("1.eml")).expect("an email arrived")
    }

    /// Every message received so far, oldest first.
    #[allow(dead_code)]
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for n in 1.. {
            match std::fs::read(self.maildir.path().join(format!("{n}.eml"))) {
                Ok(raw) => out.push(String::from_utf8_lossy(&raw).into_owned()),
                Err(_) => break,
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
