//! One integration-test binary (every extra test binary is another link
//! against polars). Each module covers one rule family of SPEC section 2 or
//! one command, on fixtures written in the test, with the arithmetic of each
//! expected value in a comment.

mod common;

mod bad_input;
mod benchmark;
mod browser;
mod callbacks;
mod commands;
mod comments;
mod contacts;
mod corpus;
mod dataset;
mod exports;
mod features;
mod init;
mod layers;
mod metrics;
mod mutations;
mod outputs;
mod partitions;
mod promises;
mod quality;
mod recontact;
mod regressions;
mod report;
mod sample;
mod sample_data;
mod shapes;
mod spark;
mod surveys;
mod timeline;
mod timestamps;
