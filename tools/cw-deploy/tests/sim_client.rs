//! The Prism Central client against the simulator over real HTTP and HTTPS
//! on 127.0.0.1: pagination, auth errors, retries, timeouts, TLS.

mod common;

use std::time::{Duration, Instant};

use cw_deploy::client::{ClientOptions, EntityKind, PrismClient};
use cw_deploy::credentials::Credentials;
use cw_deploy::model::{CpuArch, GpuMode, GpuVendor};
use cw_deploy::sim::{Fault, SimConfig, Simulator};
use cw_deploy::ErrorKind;

const PASSWORD: &str = "s3cret-Passw0rd";

fn creds() -> Credentials {
    Credentials::new("admin", PASSWORD)
}

fn sim(fault: Fault) -> Simulator {
    let mut config = SimConfig::new(creds());
    config.fault = fault;
    Simulator::start(config).unwrap()
}

fn options(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(url);
    o.timeout = Duration::from_secs(3);
    o.backoff = Duration::from_millis(10);
    o.max_backoff = Duration::from_millis(50);
    o
}

#[test]
fn discover_reads_all_pages_and_gpus() {
    let sim = sim(Fault::None);
    let client = PrismClient::new(options(&sim.url()), &creds()).unwrap();
    let inv = client.discover().unwrap();
    assert_eq!(inv.clusters.len(), 4);
    assert_eq!(inv.hosts.len(), 7);
    assert_eq!(inv.vms.len(), 131, "131 VMs at pages of 50 need 3 pages");
    let vm_pages = sim
        .request_log()
        .iter()
        .filter(|l| l.contains("vms/list"))
        .count();
    assert_eq!(vm_pages, 3, "{:#?}", sim.request_log());
    assert_eq!(client.requests_sent(), 5);
    let host = inv.hosts.iter().find(|h| h.name == "east-gpu-02").unwrap();
    assert_eq!(host.gpus[0].mode, GpuMode::Virtual);
    assert_eq!(host.gpus[0].free_vgpu_slots(), 3);
    assert_eq!(host.gpus[0].frame_buffer_mib, Some(12 * 1024));
    let amd = inv.hosts.iter().find(|h| h.name == "west-amd-01").unwrap();
    assert!(amd
        .gpus
        .iter()
        .all(|g| g.vendor == GpuVendor::Amd && g.is_free_passthrough()));
    let arm = inv.hosts.iter().find(|h| h.name == "arm-01").unwrap();
    assert_eq!(arm.arch, CpuArch::Arm64);
    assert!(arm.gpus.is_empty());
    let a100 = inv.hosts.iter().find(|h| h.name == "east-gpu-01").unwrap();
    assert_eq!(a100.gpus[1].used_by, vec!["train-01".to_string()]);
}

#[test]
fn small_client_pages_follow_total_matches() {
    let sim = sim(Fault::None);
    let mut o = options(&sim.url());
    o.page_size = 7;
    let client = PrismClient::new(o, &creds()).unwrap();
    let vms = client.list_all(EntityKind::Vm).unwrap();
    assert_eq!(vms.len(), 131);
    assert_eq!(client.requests_sent(), 19); // ceil(131 / 7)
}

#[test]
fn wrong_credentials_are_401_without_the_password() {
    let sim = sim(Fault::None);
    let wrong = Credentials::new("admin", "not-the-password");
    let client = PrismClient::new(options(&sim.url()), &wrong).unwrap();
    let e = client.discover().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(e.message.contains("401"), "{}", e.message);
    let all = format!("{} {:?} {e:?}", e.message, e.hint);
    assert!(
        !all.contains("not-the-password") && !all.contains(PASSWORD),
        "{all}"
    );
    assert_eq!(client.requests_sent(), 1, "401 is not retried");
}

#[test]
fn forbidden_and_not_found_have_hints() {
    let sim = sim(Fault::Forbidden);
    let e = PrismClient::new(options(&sim.url()), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert!(e.hint.unwrap().contains("Viewer"));
    let sim = self::sim(Fault::None);
    let e = PrismClient::new(options(&format!("{}/prism", sim.url())), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e:?}");
    assert!(
        e.message.contains("/prism/api/nutanix/v3/clusters/list"),
        "{}",
        e.message
    );
}

#[test]
fn transient_500s_are_retried() {
    let sim = sim(Fault::Status {
        status: 500,
        count: 3,
    });
    let client = PrismClient::new(options(&sim.url()), &creds()).unwrap();
    let inv = client.discover().unwrap();
    assert_eq!(inv.vms.len(), 131);
    assert_eq!(client.requests_sent(), 5 + 3);
    let failures = sim
        .request_log()
        .iter()
        .filter(|l| l.ends_with("-> 500"))
        .count();
    assert_eq!(failures, 3);
}

#[test]
fn too_many_requests_honours_retry_after() {
    let sim = sim(Fault::Status {
        status: 429,
        count: 2,
    });
    let client = PrismClient::new(options(&sim.url()), &creds()).unwrap();
    assert_eq!(client.list_all(EntityKind::Cluster).unwrap().len(), 4);
    assert_eq!(client.requests_sent(), 3);
}

#[test]
fn persistent_503_gives_up_after_bounded_retries() {
    let sim = sim(Fault::Status {
        status: 503,
        count: 1000,
    });
    let mut o = options(&sim.url());
    o.retries = 3;
    let client = PrismClient::new(o, &creds()).unwrap();
    let start = Instant::now();
    let e = client.discover().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(
        e.message.contains("HTTP 503") && e.message.contains("after 4 attempts"),
        "{}",
        e.message
    );
    assert_eq!(client.requests_sent(), 4);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn slow_answer_hits_the_timeout() {
    let sim = sim(Fault::Slow(Duration::from_secs(3)));
    let mut o = options(&sim.url());
    o.timeout = Duration::from_millis(400);
    let client = PrismClient::new(o, &creds()).unwrap();
    let start = Instant::now();
    let e = client.discover().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e:?}");
    assert!(
        e.message.contains("did not answer within 0.4 s"),
        "{}",
        e.message
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn malformed_json_and_missing_fields_are_named() {
    let sim = sim(Fault::MalformedJson);
    let e = PrismClient::new(options(&sim.url()), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadResponse);
    assert!(e.message.contains("not valid JSON"), "{}", e.message);

    let sim = self::sim(Fault::MissingHostUuid);
    let e = PrismClient::new(options(&sim.url()), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadResponse);
    assert!(
        e.message
            .contains("host #0 (`east-gpu-01`): field `metadata.uuid` is missing"),
        "{}",
        e.message
    );
}

#[test]
fn https_verification_fails_without_ca_and_works_with_it() {
    let mut config = SimConfig::new(creds());
    config.tls = true;
    let sim = Simulator::start(config).unwrap();
    assert!(sim.url().starts_with("https://127.0.0.1:"));

    // Verified by default: the self-signed certificate is rejected.
    let e = PrismClient::new(options(&sim.url()), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "{e:?}");
    assert!(e.hint.as_deref().unwrap().contains("--ca-bundle"));

    // With the simulator's certificate as CA bundle it works, by IP and by name.
    let dir = common::temp_dir("tls");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, sim.ca_pem().unwrap()).unwrap();
    for url in [sim.url(), sim.localhost_url()] {
        let mut o = options(&url);
        o.ca_bundle = Some(ca.clone());
        let inv = PrismClient::new(o, &creds()).unwrap().discover().unwrap();
        assert_eq!(inv.hosts.len(), 7);
    }

    // A different CA does not verify it.
    let other = Simulator::start({
        let mut c = SimConfig::new(creds());
        c.tls = true;
        c
    })
    .unwrap();
    let other_ca = dir.join("other.pem");
    std::fs::write(&other_ca, other.ca_pem().unwrap()).unwrap();
    let mut o = options(&sim.url());
    o.ca_bundle = Some(other_ca);
    let e = PrismClient::new(o, &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls);

    // --insecure skips verification.
    let mut o = options(&sim.url());
    o.insecure = true;
    assert_eq!(
        PrismClient::new(o, &creds())
            .unwrap()
            .discover()
            .unwrap()
            .vms
            .len(),
        131
    );

    // A file without certificates is rejected up front.
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let mut o = options(&sim.url());
    o.ca_bundle = Some(empty);
    let e = PrismClient::new(o, &creds()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Input);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plain_http_client_against_https_server_fails_cleanly() {
    let mut config = SimConfig::new(creds());
    config.tls = true;
    let sim = Simulator::start(config).unwrap();
    let url = sim.url().replace("https://", "http://");
    let e = PrismClient::new(options(&url), &creds())
        .unwrap()
        .discover()
        .unwrap_err();
    assert!(
        matches!(
            e.kind,
            ErrorKind::Unreachable | ErrorKind::BadResponse | ErrorKind::Timeout
        ),
        "{e:?}"
    );
}
