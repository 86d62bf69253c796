#include "catch.hpp"

#include "pmxsnap/util/config_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <string>

using namespace pmxsnap;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_config_file(text, "/etc/pmxsnap/pmxsnap.conf");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("config file: keys before a section are global, sections scope the rest") {
    auto entries = parse_config_file("repo = /srv/a\n"
                                     "# comment\n"
                                     "; another\n"
                                     "\n"
                                     "[snapshot]\n"
                                     "lock-wait=5  # seconds\n"
                                     "[restore.plan]\n"
                                     "scenario = rejoin\n",
                                     "f");
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].section.empty());
    CHECK(entries[0].key == "repo");
    CHECK(entries[0].values.at(0).text == "/srv/a");
    CHECK(entries[0].values.at(0).line == 1);
    CHECK(entries[1].section == "snapshot");
    CHECK(entries[1].section_line == 5);
    CHECK(entries[1].values.at(0).text == "5");
    CHECK(entries[2].section == "restore.plan");
    CHECK(entries[2].values.at(0).line == 8);
}

TEST_CASE("config file: quoted, bare and list values") {
    auto entries = parse_config_file("[snapshot]\n"
                                     "note = after the upgrade\n"
                                     "metrics = \"/var/lib/a # b\" # c\n"
                                     "recipient = [\"age1x\", 'age1y', age1z]\n"
                                     "recipient = age1w\n"
                                     "empty = []\r\n",
                                     "f");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].values.at(0).text == "after the upgrade");
    CHECK(entries[1].values.at(0).text == "/var/lib/a # b");
    REQUIRE(entries[2].values.size() == 4);
    CHECK(entries[2].values[1].text == "age1y");
    CHECK(entries[2].values[2].text == "age1z");
    CHECK(entries[2].values[3].line == 5);
    CHECK(entries[3].values.empty());
}

TEST_CASE("config file: malformed lines are refused with file and line") {
    CHECK(error_of("repo /srv\n") ==
          "/etc/pmxsnap/pmxsnap.conf:1: expected 'key = value', got 'repo /srv'");
    CHECK(error_of("\n[snapshot\n") ==
          "/etc/pmxsnap/pmxsnap.conf:2: a section line must end with ]");
    CHECK(error_of("[Snap shot]\n").find(":1: '[Snap shot]' is not a section name") !=
          std::string::npos);
    CHECK(error_of("note = \"open\n").find(":1: the value opened with \" is not closed") !=
          std::string::npos);
    CHECK(error_of("recipient = [a, b\n").find(":1: the list opened with [") != std::string::npos);
    CHECK(error_of("repo =\n") == "/etc/pmxsnap/pmxsnap.conf:1: no value after =");
    CHECK(error_of("repo = \"a\" b\n").find(":1: unexpected 'b' after the value") !=
          std::string::npos);
    CHECK(error_of("Repo = a\n").find(":1: 'Repo' is not a key") != std::string::npos);
    CHECK(error_of(std::string("repo = a\0b\n", 11)).find("NUL byte") != std::string::npos);
}
