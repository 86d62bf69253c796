#include "pmxsnap/host/health_ping.hpp"

#include "pmxsnap/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::host {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long the start ping may take; it runs alongside the snapshot.
constexpr milliseconds start_max_time{3000};

// Why curl(1), run as a child, and not an HTTP client of our own:
// healthchecks.io and most monitoring services ask for https, and TLS is
// not something to write here (libcurl and OpenSSL are not among pmxsnap's
// dependencies; a plain-HTTP client would leave out the common case). curl
// honours the site's proxy variables, and a child is killed by its pid at
// the deadline, whatever it is blocked in (a resolver, a TLS handshake).
// The URL goes to curl in a config file on its stdin, never in its argv,
// where every local user could read it in ps(1): the URL is the secret
// that lets anyone ping the check.
std::string quoted(const std::string& text) { // a curl config string
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out + "\"";
}

std::string seconds_text(milliseconds ms) {
    return fmt::format("{:.1f}", static_cast<double>(ms.count()) / 1000.0);
}

std::string curl_failure(int code) {
    switch (code) {
    case 6:
        return "its host name does not resolve";
    case 7:
        return "no connection (refused, unreachable, or the network is closed to pmxsnap)";
    case 22:
        return "the server answered with an HTTP error";
    case 28:
        return "no answer in time";
    case 35:
    case 60:
        return "the TLS handshake failed";
    default:
        return fmt::format("curl exited {}", code);
    }
}

} // namespace

HealthPing::HealthPing(std::string url)
    : url_(std::move(url)) {
    while (!url_.empty() && url_.back() == '/')
        url_.pop_back();
}

void HealthPing::check_url(const std::string& url) {
    auto scheme_end = url.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    bool has_host = scheme_end != std::string::npos && url.size() > scheme_end + 3 &&
                    url[scheme_end + 3] != '/';
    if ((scheme != "http" && scheme != "https") || !has_host ||
        url.find_first_of(" \t\r\n") != std::string::npos)
        fail("notify-url: {}: not an http:// or https:// URL", shown(url));
}

std::string HealthPing::shown(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos)
        return "(not a URL)";
    auto path = url.find('/', scheme_end + 3);
    auto host = url.substr(0, path);
    auto at = host.rfind('@'); // user:password@ is a secret too
    if (at != std::string::npos)
        host = host.substr(0, scheme_end + 3) + host.substr(at + 1);
    return path == std::string::npos ? host : host + "/…";
}

Child HealthPing::send(const std::string& suffix, const std::string& body, milliseconds max_time) {
    std::string config = fmt::format("url = {}\n", quoted(url_ + suffix));
    config += "silent\nfail\nproto = \"=http,https\"\nmax-redirs = 0\n";
    config += fmt::format("connect-timeout = {}\nmax-time = {}\n", seconds_text(max_time),
                          seconds_text(max_time));
    if (!body.empty())
        config += fmt::format("data-raw = {}\n", quoted(body));
    return Child(ChildSpec{{"curl", "--config", "-"}, {}, config, false});
}

void HealthPing::record(const std::string& what, const ChildExit& exit) {
    if (exit.success())
        return;
    std::string why;
    if (exit.how == ChildExit::How::not_started)
        why = exit.code == ENOENT ? "curl is not installed (apt install curl)" : exit.describe();
    else if (exit.how == ChildExit::How::exited)
        why = curl_failure(exit.code);
    else
        why = "no answer in time";
    warnings_.push_back(fmt::format("notify-url {}: the '{}' ping was not sent: {}; the run "
                                    "goes on (pmxsnap.conf(5), NOTIFICATIONS)",
                                    shown(url_), what, why));
}

void HealthPing::start() {
    if (!enabled())
        return;
    start_ = send("/start", "", start_max_time);
    start_sent_ = true;
}

void HealthPing::finish(bool success, const std::string& reason) {
    if (!enabled())
        return;
    auto deadline = Clock::now() + finish_budget;
    if (start_sent_) {
        // The start ping was given start_max_time; the kill at the deadline
        // is a second bound, for a curl that ignores its own.
        record("start", start_.wait(deadline));
        start_sent_ = false;
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    auto max_time = std::max(milliseconds(500), left - milliseconds(200));
    auto exit = send(success ? "" : "/fail", success ? "" : reason, max_time).wait(deadline);
    record(success ? "success" : "fail", exit);
}

} // namespace pmxsnap::host
