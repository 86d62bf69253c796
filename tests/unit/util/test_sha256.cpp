#include "catch.hpp"

#include "pmxsnap/util/sha256.hpp"

#include <sodium.h>

#include <random>

using namespace pmxsnap;

namespace {

std::string reference_hex(std::string_view bytes) {
    std::array<std::uint8_t, 32> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    return to_hex(digest);
}

std::string random_bytes(std::mt19937_64& random, std::size_t size) {
    std::string bytes(size, '\0');
    for (auto& byte : bytes)
        byte = static_cast<char>(random());
    return bytes;
}

} // namespace

TEST_CASE("SHA-256 matches FIPS 180-4's examples") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 million;
    std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i)
        million.update(thousand);
    CHECK(million.finish_hex() ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 agrees with libsodium on every length across several blocks") {
    std::mt19937_64 random(20261125);
    for (std::size_t size = 0; size <= 1100; ++size) {
        auto bytes = random_bytes(random, size);
        INFO("size " << size);
        REQUIRE(sha256_hex(bytes) == reference_hex(bytes));
    }
}

TEST_CASE("SHA-256 gives the same digest however the input is split") {
    std::mt19937_64 random(7);
    for (int round = 0; round < 300; ++round) {
        auto bytes = random_bytes(random, random() % 5000);
        Sha256 pieces;
        std::size_t at = 0;
        while (at < bytes.size()) {
            auto take = std::min<std::size_t>(bytes.size() - at, random() % 150);
            pieces.update(std::string_view(bytes).substr(at, take));
            at += take;
        }
        INFO("round " << round << ", " << bytes.size() << " bytes");
        REQUIRE(pieces.finish_hex() == reference_hex(bytes));
    }
}

TEST_CASE("a digest round-trips through hex and refuses anything else") {
    auto abc = sha256_of("abc");
    CHECK_FALSE(abc.empty());
    CHECK(abc.hex() == sha256_hex("abc"));
    auto parsed = Sha256Digest::from_hex(abc.hex());
    REQUIRE(parsed);
    CHECK(*parsed == abc);
    CHECK_FALSE(*parsed == sha256_of("abd"));

    Sha256Digest none;
    CHECK(none.empty());
    CHECK(none.hex().empty());
    CHECK_FALSE(none == abc);

    auto hex = abc.hex();
    CHECK_FALSE(Sha256Digest::from_hex(hex.substr(1)));
    CHECK_FALSE(Sha256Digest::from_hex(hex + "0"));
    CHECK_FALSE(Sha256Digest::from_hex(""));
    auto upper = hex;
    upper[0] = 'B'; // pmxsnap writes lower case only
    CHECK_FALSE(Sha256Digest::from_hex(upper));
    auto stray = hex;
    stray[63] = 'g';
    CHECK_FALSE(Sha256Digest::from_hex(stray));
}
