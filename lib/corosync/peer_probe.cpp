#include "pmxsnap/corosync/peer_probe.hpp"

#include "pmxsnap/util/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pmxsnap::corosync {
namespace {

using Answer = PortProbe::Answer;

struct Socket {
    int fd = -1;
    Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd >= 0)
            ::close(fd);
    }
};

// The answer an errno gives, from send() or from the queued ICMP error.
Answer answer_of(int err) {
    switch (err) {
    case ECONNREFUSED:
        return Answer::refused;
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
        return Answer::unreachable;
    default:
        return Answer::not_probed;
    }
}

// Connects a non-blocking UDP socket to the target and sends one empty
// datagram; false (answer filled) when that already tells.
bool send_probe(PortProbe& target, Socket& socket) {
    sockaddr_storage address{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET, target.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(target.port);
        length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, target.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(target.port);
        length = sizeof *v6;
    } else {
        target.answer = Answer::not_probed;
        target.detail = "not a numeric address (names are not resolved here)";
        return false;
    }
    socket.fd = ::socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    // Host and network unreachable are "soft" ICMP errors: a UDP socket
    // reports them only with IP_RECVERR (port unreachable it reports anyway).
    int on = 1;
    bool sent = socket.fd >= 0 &&
                (address.ss_family == AF_INET
                     ? ::setsockopt(socket.fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on)
                     : ::setsockopt(socket.fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on)) == 0 &&
                ::connect(socket.fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                ::send(socket.fd, "", 0, 0) == 0;
    if (sent)
        return true;
    target.answer = answer_of(errno);
    target.detail = errno_text(errno);
    return false;
}

// The ICMP error queued on the socket, read by recv(); a datagram back is
// something listening, which is as good as silence for "gone or not".
void read_answer(PortProbe& target, const Socket& socket) {
    char byte = 0;
    if (::recv(socket.fd, &byte, 1, 0) >= 0) {
        target.answer = Answer::silent;
        target.detail = "a datagram came back";
        return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
    target.answer = answer_of(errno);
    target.detail = errno_text(errno);
}

// A host sends its ICMP errors to one destination at most once a second
// after a burst of six (net.ipv4.icmp_ratelimit), and knet on this node keeps
// spending that allowance with its own pings to a stopped peer: the refusal of
// a single datagram is often never sent. So the probe goes again every
// resend_interval until something answers; a running corosync drops the empty
// datagrams, at most timeout / resend_interval of them.
constexpr auto resend_interval = std::chrono::milliseconds(250);

// Whether a failed send() says nothing about the peer (try again later).
bool transient(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == EINTR;
}

// Sends the probe again to every pending target; a send that fails already
// tells (the socket reports a queued ICMP error that way too, and then no
// longer on recv(): it is taken here, whatever it is).
std::vector<std::size_t> resend(std::vector<PortProbe>& targets, const std::vector<Socket>& sockets,
                                const std::vector<std::size_t>& pending) {
    std::vector<std::size_t> still;
    for (auto i : pending) {
        if (::send(sockets[i].fd, "", 0, 0) == 0 || transient(errno)) {
            still.push_back(i);
            continue;
        }
        targets[i].answer = answer_of(errno);
        targets[i].detail = errno_text(errno);
    }
    return still;
}

// Waits up to `wait` for answers on the pending sockets; returns those still
// without one.
std::vector<std::size_t> await_answers(std::vector<PortProbe>& targets,
                                       const std::vector<Socket>& sockets,
                                       const std::vector<std::size_t>& pending,
                                       std::chrono::steady_clock::duration wait) {
    std::vector<pollfd> polled;
    polled.reserve(pending.size());
    for (auto i : pending)
        polled.push_back({sockets[i].fd, POLLIN, 0});
    auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    if (::poll(polled.data(), polled.size(), static_cast<int>(wait_ms)) < 0) {
        if (errno == EINTR)
            return pending;
        return {}; // poll itself failed: no answer will come, all stay silent
    }
    std::vector<std::size_t> still;
    for (std::size_t k = 0; k < pending.size(); ++k) {
        auto i = pending[k];
        if (polled[k].revents != 0)
            read_answer(targets[i], sockets[i]);
        else
            still.push_back(i);
    }
    return still;
}

} // namespace

std::string to_string(Answer answer) {
    switch (answer) {
    case Answer::silent:
        return "silent";
    case Answer::refused:
        return "refused";
    case Answer::unreachable:
        return "unreachable";
    case Answer::not_probed:
        return "not probed";
    }
    return "?";
}

std::vector<PortProbe> probe_udp_ports(std::vector<PortProbe> targets,
                                       std::chrono::milliseconds timeout) {
    std::vector<Socket> sockets(targets.size());
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < targets.size(); ++i)
        if (send_probe(targets[i], sockets[i])) {
            targets[i].answer = Answer::silent;
            targets[i].detail = "no reply";
            pending.push_back(i);
        }
    auto now = std::chrono::steady_clock::now();
    auto deadline = now + timeout;
    auto next_send = now + resend_interval;
    while (!pending.empty()) {
        now = std::chrono::steady_clock::now();
        if (now >= deadline)
            break;
        if (now >= next_send) {
            pending = resend(targets, sockets, pending);
            next_send = now + resend_interval;
            continue;
        }
        pending = await_answers(targets, sockets, pending, std::min(deadline, next_send) - now);
    }
    return targets;
}

} // namespace pmxsnap::corosync
