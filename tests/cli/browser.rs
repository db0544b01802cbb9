//! summary.html in a real headless Chromium (Debian's `chromium`, which
//! .ci/run installs when missing): it renders (the screenshot is not blank)
//! and the page requests nothing. Chromium's own background requests are
//! told apart in its net log by their initiator ("not an origin"); anything
//! the page asks for carries the page's origin. A control page with an
//! external image proves the detector sees such requests.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Fixture, expected_card_value};

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

/// Headless Chromium with its own profile folder, quiet on the network.
fn headless(profile: &Path) -> Command {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Screenshot `page`; return the PNG path and the URLs the page requested.
fn open(page: &Path, work: &Path) -> (PathBuf, Vec<String>) {
    let shot = work.join("shot.png");
    let netlog = work.join("net.json");
    let status = headless(&work.join("profile"))
        .args([
            "--disable-quic",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1100,1400",
        ])
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

/// Load `page` in an iframe `width` pixels wide and measure it as a reader
/// would see it: horizontal overflow, the charts, headline cards and example
/// journeys actually visible (inside the width), each card's value.
/// `--allow-file-access-from-files` lets the wrapper read the framed page.
fn measure(page: &Path, width: u32, work: &Path) -> serde_json::Value {
    let wrapper = work.join(format!("measure-{width}.html"));
    std::fs::write(
        &wrapper,
        format!(
            r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="file://{page}" style="width:{width}px;height:900px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById('f').addEventListener('load', () => {{
  const d = document.getElementById('f').contentDocument;
  const root = d.documentElement;
  const vw = root.clientWidth;
  const visible = e => {{ const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= vw + 0.5; }};
  document.getElementById('result').textContent = JSON.stringify({{
    scrollWidth: root.scrollWidth, clientWidth: vw,
    charts: [...d.querySelectorAll('figure')].map(f => [...f.querySelectorAll('svg')].filter(visible).length),
    cards: Object.fromEntries([...d.querySelectorAll('.card')].filter(visible)
      .map(c => [c.dataset.figure, c.querySelector('.v').textContent])),
    examples: [...d.querySelectorAll('.example:not(.call)')].filter(visible).length,
    calls: [...d.querySelectorAll('#call-back .call')].filter(visible).length,
    secondSection: ([...d.querySelectorAll('section')][1] || {{}}).id,
    themes: [...d.querySelectorAll('#comments table[data-table="comments"] tbody tr')].length,
    height: root.scrollHeight,
    callLinks: [...d.querySelectorAll('#call-back .call a')].filter(a => d.getElementById(a.getAttribute('href').slice(1))).length,
  }});
}});
</script></body></html>"#,
            page = page.display()
        ),
    )
    .unwrap();
    let out = headless(&work.join(format!("profile-{width}")))
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", wrapper.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"result\">").expect("result") + "<pre id=\"result\">".len();
    let text = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn summary_reads_at_phone_and_desktop_width() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    f.cmd(&["report", dir.to_str().unwrap(), "--out", "out"])
        .assert()
        .success();
    let overview: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.join("out/tables/overview.json")).unwrap())
            .unwrap();
    let page = f.join("out/summary.html");
    for width in [375, 1280] {
        let m = measure(&page, width, &f.join("."));
        // No horizontal scroll: wide tables scroll inside their own box.
        assert_eq!(m["scrollWidth"], m["clientWidth"], "{width} px: {m}");
        // Every chart shows exactly one of its two drawings, inside the width.
        assert_eq!(
            m["charts"],
            serde_json::json!([1, 1, 1, 1, 1]),
            "{width} px"
        );
        // Every headline figure is on screen and equal to the table.
        for row in overview.as_array().unwrap() {
            let name = row["figure"].as_str().unwrap();
            if name == "nps_margin" {
                continue;
            }
            assert_eq!(
                m["cards"][name],
                expected_card_value(name, row["value"].as_f64()),
                "{width} px: {name}"
            );
        }
        // Five findings, three example journeys each, all on screen.
        assert_eq!(m["examples"], 15, "{width} px");
        // Right after the headline: "Call back", the first ten of the 13
        // unhappy answers, the 7 cases at risk and the call that worked
        // (CAR-5005, the proactive call), all on screen, each
        // opening its journey in full further down.
        assert_eq!(m["secondSection"], "call-back", "{width} px");
        assert_eq!(m["calls"], 18, "{width} px");
        assert_eq!(m["callLinks"], 18, "{width} px");
        // "What customers wrote": the eight built-in themes.
        assert_eq!(m["themes"], 8, "{width} px");
        // The example journeys in full are folded: the page stays a page
        // on a phone (82,000 px tall at 375 px when they were open).
        assert!(m["height"].as_f64().unwrap() < 25_000.0, "{width} px: {m}");
    }

    // Control: a page wider than the phone is caught.
    let g = Fixture::new();
    g.file(
        "wide.html",
        "<html><body><div class=\"card\" data-figure=\"x\"><div class=\"v\">1</div></div><div style=\"width:900px\">wide</div></body></html>",
    );
    let m = measure(&g.join("wide.html"), 375, &g.join("."));
    assert!(m["scrollWidth"].as_f64() > m["clientWidth"].as_f64(), "{m}");
}

/// A link to a folded journey opens it: Chromium reveals a closed
/// `<details>` when the page is opened at a fragment inside it.
#[test]
fn a_link_to_a_folded_journey_opens_it() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    f.cmd(&["report", dir.to_str().unwrap(), "--out", "out"])
        .assert()
        .success();
    let out = headless(&f.join("profile"))
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(format!(
            "file://{}#case-1",
            f.join("out/summary.html").display()
        ))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert_eq!(dom.matches("<details class=\"case\" open=\"\">").count(), 1);
    assert!(dom.contains("<details class=\"case\" open=\"\"><summary><h3>Case GEN-6003</h3>"));
}
