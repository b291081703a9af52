//! `cw-deploy`: deploy kernels compiled by cwcc onto Nutanix clusters.
//!
//! The crate is independent of the compiler. Its pipeline is:
//!
//! 1. [`client`]: a Prism Central v3 REST client lists clusters, hosts and VMs
//!    (paginated `POST /api/nutanix/v3/{kind}s/list`) and [`model`] turns the
//!    JSON into a typed [`model::Inventory`] with each host's GPU inventory.
//! 2. [`placement`]: from the inventory and a [`placement::Workload`] (the
//!    kernel artifacts found by [`artifacts`], replicas, memory, preferred GPU
//!    vendor) it recommends a host and a runtime backend for each replica.
//! 3. [`generate`]: Kubernetes / NKE manifests (typed with `k8s-openapi`) and
//!    AHV v3 VM payloads for the plan, as YAML or JSON.
//! 4. [`cli`]: the `cw-deploy` command line (`discover`, `plan`, `generate`,
//!    `simulate`).
//!
//! [`sim`] is a Prism Central v3 simulator (HTTP or HTTPS on 127.0.0.1) used by
//! the tests and by `cw-deploy simulate` for demos.

#![warn(missing_docs)]

pub mod artifacts;
pub mod cli;
pub mod client;
pub mod credentials;
pub mod error;
pub mod generate;
pub mod model;
pub mod placement;
pub mod sim;
pub mod table;

pub use error::{DeployError, ErrorKind};
