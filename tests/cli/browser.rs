//! summary.html in a real headless Chromium (Debian's `chromium`, which
//! .ci/run installs when missing): it renders (the screenshot is not blank)
//! and the page requests nothing. Chromium's own background requests are
//! told apart in its net log by their initiator ("not an origin"); anything
//! the page asks for carries the page's origin. A control page with an
//! external image proves the detector sees such requests.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Fixture;

fn chromium() -> PathBuf {
    let p = std::env::var_os("CXGAP_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        p.exists(),
        "Chromium not found at {}: `apt-get install chromium` (.ci/run does)",
        p.display()
    );
    p
}

/// Screenshot `page`; return the PNG path and the URLs the page requested.
fn open(page: &Path, work: &Path) -> (PathBuf, Vec<String>) {
    let shot = work.join("shot.png");
    let netlog = work.join("net.json");
    let status = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1100,1400",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        status.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&netlog).unwrap()).unwrap();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let p = &e["params"];
            let initiator = p["initiator"].as_str()?;
            (initiator != "not an origin")
                .then(|| p["url"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    urls.sort();
    urls.dedup();
    (shot, urls)
}

#[test]
fn summary_renders_in_chromium_and_requests_nothing() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    f.cmd(&["report", dir.to_str().unwrap(), "--out", "out"])
        .assert()
        .success();
    let (shot, urls) = open(&f.join("out/summary.html"), &f.join("."));
    assert!(urls.is_empty(), "the page requested {urls:?}");
    let img = image::open(&shot).unwrap().to_rgb8();
    assert_eq!((img.width(), img.height()), (1100, 1400));
    let inked = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
    assert!(
        inked * 20 > (img.width() * img.height()) as usize,
        "screenshot is nearly blank: {inked} inked pixels"
    );
    let mut colours: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 50, "only {} colours", colours.len());

    // Control: a page with an external image is caught.
    let g = Fixture::new();
    g.file(
        "ext.html",
        "<html><body><img src=\"http://example.invalid/x.png\"></body></html>",
    );
    let (_, urls) = open(&g.join("ext.html"), &g.join("."));
    assert_eq!(urls, ["http://example.invalid/x.png"]);
}
