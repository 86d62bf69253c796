#include "catch.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"

#include <random>

using namespace pmxsnap;

TEST_CASE("UTF-8 is checked as Unicode defines it") {
    CHECK(is_utf8(""));
    CHECK(is_utf8("qemu-server/100.conf"));
    CHECK(is_utf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_utf8("99\xff.conf"));
    CHECK_FALSE(is_utf8("\xc3"));             // cut short
    CHECK_FALSE(is_utf8("\xc0\xaf"));         // overlong '/'
    CHECK_FALSE(is_utf8("\xe0\x80\xaf"));     // overlong '/'
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));     // a surrogate
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(is_utf8("\x80"));
}

TEST_CASE("names show escaped: bytes that are not UTF-8, controls and the backslash") {
    CHECK(escape_name("qemu-server/100.conf") == "qemu-server/100.conf");
    CHECK(escape_name("99\xff.conf") == "99\\xff.conf");
    CHECK(escape_name("a\\b") == "a\\\\b");
    CHECK(escape_name("a\nb\x1b[2J\x7f") == "a\\x0ab\\x1b[2J\\x7f");
    CHECK(escape_name("\xc3\xa9t\xc3\xa9") == "\xc3\xa9t\xc3\xa9");
    CHECK(escape_name("\xc2\x85") == "\\xc2\\x85");              // C1 NEL
    CHECK(escape_name("x\xe2\x80\xaey") == "x\\xe2\\x80\\xaey"); // RIGHT-TO-LEFT OVERRIDE
    // The name that reads like an escape stays apart from the byte.
    CHECK(escape_name("99\\xff.conf") != escape_name("99\xff.conf"));
}

TEST_CASE("escaping is reversible for every byte string") {
    std::mt19937 random(26);
    std::uniform_int_distribution<int> byte(0, 255), length(0, 24);
    for (int i = 0; i < 5000; ++i) {
        std::string name;
        for (int n = length(random); n > 0; --n)
            name += static_cast<char>(i % 3 == 0 ? byte(random) : "\\x\xff\xc3\xa9"[n % 5]);
        auto shown = escape_name(name);
        INFO(hex_bytes(name));
        CHECK(is_utf8(shown));
        CHECK(unescape_name(shown) == name);
        CHECK(bytes_from_hex(hex_bytes(name)) == name);
    }
    CHECK_FALSE(unescape_name("a\\"));
    CHECK_FALSE(unescape_name("a\\x4"));
    CHECK_FALSE(unescape_name("a\\xFF")); // uppercase is not what escape_name writes
    CHECK_FALSE(unescape_name("a\\n"));
    CHECK_FALSE(bytes_from_hex("abc"));
    CHECK_FALSE(bytes_from_hex("FF"));
    CHECK_FALSE(bytes_from_hex("zz"));
}

TEST_CASE("a name goes into JSON plain when UTF-8, with its bytes in hex when not") {
    nlohmann::json object = nlohmann::json::object();
    put_name(object, "path", "pve/storage.cfg");
    CHECK(object.dump() == R"({"path":"pve/storage.cfg"})");

    object = nlohmann::json::object();
    put_name(object, "path", "pve/99\xff.conf");
    CHECK(object["path"] == "pve/99\\xff.conf");
    CHECK(object["path_hex"] == "7076652f3939ff2e636f6e66");
    auto text = object.dump(); // would throw type_error.316 with the raw bytes
    auto back = nlohmann::json::parse(text);
    CHECK(name_from_json(back, "path", "here") == "pve/99\xff.conf");

    // A name that only looks like an escape is plain text.
    object = nlohmann::json::object();
    put_name(object, "path", "pve/99\\xff.conf");
    CHECK_FALSE(object.contains("path_hex"));
    CHECK(name_from_json(object, "path", "here") == "pve/99\\xff.conf");
}

TEST_CASE("inconsistent or ambiguous name fields are refused") {
    auto refused = [](const char* json) {
        try {
            name_from_json(nlohmann::json::parse(json), "path", "members[0]");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    // The bytes say one name, the text another.
    CHECK(refused(R"({"path": "pve/99\\xfe.conf", "path_hex": "7076652f3939ff2e636f6e66"})") ==
          "members[0]: path and path_hex disagree");
    // Hex for a name that is UTF-8: two spellings of one name.
    CHECK(refused(R"({"path": "pve/a", "path_hex": "7076652f61"})") ==
          "members[0]: path_hex holds a UTF-8 name, which is written as path alone");
    CHECK(refused(R"({"path": "x\\xff", "path_hex": "78FF"})") ==
          "members[0]: path_hex is not lowercase hex of whole bytes");
    CHECK(refused(R"({"path": "x\\xff", "path_hex": "78f"})") ==
          "members[0]: path_hex is not lowercase hex of whole bytes");
    CHECK(refused(R"({"path": "x\\xff", "path_hex": 7})") ==
          "members[0]: path_hex: expected a string");
    CHECK(refused(R"({"path_hex": "78ff"})") == "members[0]: path: expected a string");
    CHECK(refused(R"({"path": "x\\xff", "path_hex": "78ff"})") == "accepted");
}
