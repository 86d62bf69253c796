#include "catch.hpp"

#include "pmxsnap/corosync/peer_probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pmxsnap::corosync;
using Answer = PortProbe::Answer;

namespace {

// A UDP socket bound to a free port on loopback; the port in host order.
int bound_udp_socket(std::uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
    return fd;
}

// A UDP port on loopback that nothing listens on: bound, read, closed.
std::uint16_t closed_udp_port() {
    std::uint16_t port = 0;
    ::close(bound_udp_socket(port));
    return port;
}

} // namespace

TEST_CASE("a UDP port nothing listens on is refused; a listening one is silent") {
    auto closed = closed_udp_port();
    std::uint16_t open_port = 0;
    int listening = bound_udp_socket(open_port);
    auto answers = probe_udp_ports({{"127.0.0.1", closed, {}, {}},
                                    {"127.0.0.1", open_port, {}, {}},
                                    {"pve2.example", knet_default_port, {}, {}}},
                                   std::chrono::milliseconds(500));
    ::close(listening);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].answer == Answer::refused);
    CHECK(answers[1].answer == Answer::silent); // as a running corosync: nothing comes back
    CHECK(answers[2].answer == Answer::not_probed);
    CHECK(to_string(answers[0].answer) == "refused");
}
