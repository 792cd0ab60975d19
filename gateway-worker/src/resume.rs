//! Which stored resume URL the worker may connect to. A RESUME carries the bot token, so a URL
//! written to `gateway_sessions` by anyone but Discord (the table is the gateway role's alone, but
//! defence in depth) must not receive it: only Discord's own gateway hosts are trusted. Pure.

/// Whether `url` is a Discord gateway: `wss://` to `discord.gg` or one of its subdomains (Discord
/// sends `wss://gateway-us-east1-b.discord.gg` and the like), with no credentials in it.
#[must_use]
pub fn trusted(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("wss://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(host, _)| host)
        .to_ascii_lowercase();
    host == "discord.gg" || host.ends_with(".discord.gg")
}

#[cfg(test)]
mod tests {
    use super::trusted;

    #[test]
    fn only_discord_s_own_gateways_receive_the_token() {
        for good in [
            "wss://gateway-us-east1-b.discord.gg",
            "wss://gateway.discord.gg/?v=10&encoding=json",
            "wss://GATEWAY.discord.gg:443",
        ] {
            assert!(trusted(good), "{good}");
        }
        for bad in [
            "ws://gateway.discord.gg",
            "wss://evil.example",
            "wss://discord.gg.evil.example",
            "wss://evildiscord.gg",
            "wss://gateway.discord.gg@evil.example",
            "https://gateway.discord.gg",
            "",
        ] {
            assert!(!trusted(bad), "{bad}");
        }
    }
}
