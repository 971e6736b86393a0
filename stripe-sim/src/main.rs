//! `paydesk-stripe-sim --port N`: runs the simulator standalone for development and demos.

use stripe_sim::{Mode, Simulator};

#[tokio::main]
async fn main() {
    let mut port: u16 = 12111;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => {
                port = match args.next().and_then(|p| p.parse().ok()) {
                    Some(p) => p,
                    None => {
                        eprintln!("--port needs a number");
                        std::process::exit(2);
                    }
                }
            }
            "-h" | "--help" => {
                println!(
                    "usage: paydesk-stripe-sim [--port N]   (default 12111; 0 = any free port)"
                );
                return;
            }
            other => {
                eprintln!("unknown argument: {other}");
                std::process::exit(2);
            }
        }
    }
    let sim = match Simulator::start_on(port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot bind 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", sim.base_url());
    println!("account:  {}", sim.account_id());
    println!("test key: {}", sim.secret_key(Mode::Test));
    println!("live key: {}", sim.secret_key(Mode::Live));
    println!("control:  {}_sim/info (Ctrl-C to stop)", sim.base_url());
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
