//! `foi-tracker healthcheck`: asks the running server's `/healthz`, for a container's
//! HEALTHCHECK (a slim image has no curl) or a supervisor.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::CliError;

/// Longer than this and the server counts as unhealthy: a probe must not hang.
const TIMEOUT: Duration = Duration::from_secs(5);

pub fn healthcheck(out: &mut impl Write) -> Result<(), CliError> {
    let settings = super::settings()?;
    let address = probe_address(&settings.bind)?;
    match status_of(address) {
        Ok(200) => {
            writeln!(out, "healthy: http://{address}/healthz answered 200")?;
            Ok(())
        }
        Ok(status) => Err(CliError::Failed(format!(
            "unhealthy: http://{address}/healthz answered {status}"
        ))),
        Err(error) => Err(CliError::Failed(format!(
            "unhealthy: http://{address}/healthz: {error}"
        ))),
    }
}

/// Where to reach a server listening on `bind`: a wildcard address is reached on loopback.
fn probe_address(bind: &str) -> Result<SocketAddr, CliError> {
    let address = bind
        .to_socket_addrs()
        .ok()
        .and_then(|mut all| all.next())
        .ok_or_else(|| {
            CliError::BadInput(format!(
                "FOI_BIND {bind:?} is not an address such as 0.0.0.0:8080"
            ))
        })?;
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    Ok(SocketAddr::new(ip, address.port()))
}

/// The status code of `GET /healthz`. One request on a fresh connection needs no HTTP client
/// library: the status line is all that is read.
fn status_of(address: SocketAddr) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nUser-Agent: foi-tracker-healthcheck\r\n\r\n"
    )?;
    let mut head = [0u8; 64];
    let mut read = 0;
    while read < 12 {
        match stream.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    let line = String::from_utf8_lossy(&head[..read]);
    line.strip_prefix("HTTP/1.1 ")
        .or_else(|| line.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "the answer is not HTTP"))
}

#[cfg(test)]
mod tests {
    use super::probe_address;

    #[test]
    fn a_wildcard_bind_is_probed_on_loopback() {
        assert_eq!(
            probe_address("0.0.0.0:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(probe_address("[::]:9000").unwrap().to_string(), "[::1]:9000");
        assert_eq!(probe_address("10.0.0.5:80").unwrap().to_string(), "10.0.0.5:80");
        assert!(probe_address("no port").is_err());
    }
}
