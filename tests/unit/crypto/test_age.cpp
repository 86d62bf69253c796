// age v1: the building blocks against published vectors, round trips at the
// chunk boundaries, the rejections, and interop both ways with Debian's
// `age` and `age-keygen` (the real binaries, not a re-implementation).
#include "catch.hpp"
#include "process.hpp"
#include "scratch.hpp"

#include "pmxsnap/crypto/age_header.hpp"
#include "pmxsnap/crypto/age_keys.hpp"
#include "pmxsnap/crypto/age_stream.hpp"
#include "pmxsnap/crypto/bech32.hpp"
#include "pmxsnap/crypto/hkdf.hpp"
#include "pmxsnap/util/file.hpp"

#include <sodium.h>
#include <sys/stat.h>

using namespace pmxsnap;
using namespace pmxsnap::crypto;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& text) {
    return {text.begin(), text.end()};
}

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

std::string encrypt(const std::string& plain, const std::vector<AgeRecipient>& recipients) {
    std::string out;
    AgeEncryptor encryptor(recipients, [&](std::span<const std::uint8_t> bytes) {
        out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    });
    // Uneven pieces: chunking must not depend on how the caller writes.
    for (std::size_t at = 0; at < plain.size(); at += 7777) {
        auto piece = plain.substr(at, 7777);
        encryptor.write(bytes_of(piece));
    }
    encryptor.finish();
    return out;
}

std::string decrypt(const std::string& sealed, const std::vector<AgeIdentity>& identities) {
    std::size_t at = 0;
    AgeDecryptor decryptor(
        [&](std::span<std::uint8_t> out) {
            auto take = std::min(out.size(), sealed.size() - at);
            std::copy_n(sealed.begin() + static_cast<std::ptrdiff_t>(at), take, out.begin());
            at += take;
            return take;
        },
        identities, "test.age");
    std::string plain;
    std::vector<std::uint8_t> buffer(10000);
    while (auto n = decryptor.read(buffer))
        plain.append(reinterpret_cast<const char*>(buffer.data()), n);
    return plain;
}

std::string random_text(std::size_t size) {
    std::string text(size, '\0');
    randombytes_buf(text.data(), text.size());
    return text;
}

std::size_t header_size(const std::string& sealed) {
    return sealed.find("\n", sealed.find("\n---") + 1) + 1;
}

} // namespace

TEST_CASE("bech32 follows BIP 173's vectors, and rejects mixed case and bad checksums") {
    auto empty = decode_bech32("A12UEL5L");
    REQUIRE(empty);
    CHECK(empty->hrp == "a");
    CHECK(empty->data.empty());
    CHECK(decode_bech32("a12uel5l"));
    CHECK_FALSE(decode_bech32("A12uEL5L"));
    CHECK_FALSE(decode_bech32("a12uel5m"));
    CHECK_FALSE(decode_bech32("pzry9x0s0muk"));
    std::vector<std::uint8_t> data = {0, 1, 2, 254, 255};
    auto round = decode_bech32(encode_bech32("age", data));
    REQUIRE(round);
    CHECK(round->data == data);
}

TEST_CASE("HKDF-SHA-256 gives RFC 5869's test case 1") {
    std::vector<std::uint8_t> ikm(22, 0x0b), salt, info_bytes;
    for (int i = 0; i <= 12; ++i)
        salt.push_back(static_cast<std::uint8_t>(i));
    std::string info;
    for (int i = 0xf0; i <= 0xf9; ++i)
        info += static_cast<char>(i);
    CHECK(hex(hkdf_sha256(ikm, salt, info)) ==
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
}

TEST_CASE("age keys print and parse as age-keygen writes them") {
    auto identity = generate_age_identity();
    auto text = format_age_identity(identity);
    CHECK(text.starts_with("AGE-SECRET-KEY-1"));
    CHECK(parse_age_identity(text, "x").secret_key == identity.secret_key);
    auto recipient = format_age_recipient(identity.recipient());
    CHECK(recipient.starts_with("age1"));
    CHECK(parse_age_recipient(recipient, "x").public_key == identity.recipient().public_key);
    CHECK_THROWS_WITH(
        parse_age_recipient(text, "--recipient"),
        Catch::Matchers::ContainsSubstring("--recipient: not an age X25519 recipient"));
    // The message for a bad identity never repeats it: it may be a secret.
    auto broken = text.substr(0, text.size() - 1) + (text.back() == 'Q' ? "P" : "Q");
    try {
        parse_age_identity(broken, "id.txt:3");
        FAIL("accepted a broken checksum");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find(broken) == std::string::npos);
        CHECK_THAT(e.what(), Catch::Matchers::StartsWith("id.txt:3: not an age X25519 identity"));
    }
}

TEST_CASE("age round trip at every chunk boundary, to several recipients") {
    auto alice = generate_age_identity(), bob = generate_age_identity();
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, age_chunk_size - 1, age_chunk_size,
                             age_chunk_size + 1, 3 * age_chunk_size, 3 * age_chunk_size + 5}) {
        INFO("size " << size);
        auto plain = random_text(size);
        auto sealed = encrypt(plain, {alice.recipient(), bob.recipient()});
        CHECK(decrypt(sealed, {alice}) == plain);
        CHECK(decrypt(sealed, {generate_age_identity(), bob}) == plain);
    }
}

TEST_CASE("age rejects a wrong identity, a flipped byte and a truncated file, each by name") {
    auto alice = generate_age_identity();
    auto plain = random_text(2 * age_chunk_size + 100);
    auto sealed = encrypt(plain, {alice.recipient()});
    auto header = header_size(sealed);

    CHECK_THROWS_MATCHES(
        decrypt(sealed, {generate_age_identity()}), AgeNoIdentity,
        Catch::Matchers::Message("test.age: none of the 1 identity given can decrypt it "
                                 "(wrong --identity?)"));
    auto header_flip = sealed;
    header_flip[header - 5] ^= 1; // inside the MAC
    CHECK_THROWS_AS(decrypt(header_flip, {alice}), AgeMalformed);
    auto payload_flip = sealed;
    payload_flip[header + 16 + age_chunk_size + 40] ^= 0x20; // second chunk
    CHECK_THROWS_WITH(decrypt(payload_flip, {alice}),
                      "test.age: damaged or truncated (age payload chunk 1 fails authentication)");
    auto cut_at_chunk = sealed.substr(0, header + 16 + 2 * (age_chunk_size + 16));
    CHECK_THROWS_WITH(decrypt(cut_at_chunk, {alice}),
                      Catch::Matchers::ContainsSubstring(
                          "truncated (the age payload ends before its last chunk)"));
    auto cut_in_header = sealed.substr(0, header - 10);
    CHECK_THROWS_WITH(decrypt(cut_in_header, {alice}),
                      Catch::Matchers::ContainsSubstring("truncated inside the age header"));
    CHECK_THROWS_AS(decrypt("not age at all\n", {alice}), AgeMalformed);
}

TEST_CASE("the age header parser accepts only the canonical form (regressions of fuzz finds)") {
    auto alice = generate_age_identity();
    auto sealed = encrypt("x", {alice.recipient()});
    auto header = sealed.substr(0, header_size(sealed));
    CHECK(format_age_header(parse_age_header(header)) == header);
    // A byte above 0x7f inside a body line: libsodium alone decoded it.
    auto body_at = header.find('\n', header.find("-> ")) + 10;
    auto high_byte = header;
    high_byte[body_at] = static_cast<char>(0xb1);
    CHECK_THROWS_AS(parse_age_header(high_byte), AgeMalformed);
    auto padded = header;
    padded.insert(header.find('\n', body_at), 1, '=');
    CHECK_THROWS_AS(parse_age_header(padded), AgeMalformed);
    auto crlf = header;
    crlf.insert(header.find('\n'), 1, '\r');
    CHECK_THROWS_AS(parse_age_header(crlf), AgeMalformed);
}

TEST_CASE("an age identity file others can read is refused") {
    test::Scratch scratch;
    test::put_file(scratch / "id.txt", format_age_identity(generate_age_identity()) + "\n", 0640);
    CHECK_THROWS_WITH(load_age_identities(scratch / "id.txt"),
                      Catch::Matchers::ContainsSubstring("permissions 0640 are too open"));
}

TEST_CASE("age interop both ways with Debian's age and age-keygen") {
    if (!test::have_program("age") || !test::have_program("age-keygen")) {
        WARN("age not installed: interop not checked");
        return;
    }
    test::Scratch scratch;
    auto keygen = test::run({"age-keygen", "-o", (scratch / "key.txt").string()});
    REQUIRE(keygen.exit_code == 0);
    auto identities = load_age_identities(scratch / "key.txt");
    REQUIRE(identities.size() == 1);
    auto public_line = test::run({"age-keygen", "-y", (scratch / "key.txt").string()});
    REQUIRE(public_line.exit_code == 0);
    auto recipient =
        parse_age_recipient(public_line.out.substr(0, public_line.out.find('\n')), "y");
    CHECK(recipient.public_key == identities[0].recipient().public_key);

    auto plain = random_text(age_chunk_size * 2 + 12345);
    SECTION("age -d decrypts what pmxsnap encrypts") {
        test::put_file(scratch / "mine.age", encrypt(plain, {recipient}));
        auto out = test::run({"age", "-d", "-i", (scratch / "key.txt").string(), "-o",
                              (scratch / "plain").string(), (scratch / "mine.age").string()});
        INFO(out.err);
        REQUIRE(out.exit_code == 0);
        CHECK(read_file(scratch / "plain", 1 << 30) == plain);
    }
    SECTION("pmxsnap decrypts what age -r encrypts") {
        test::put_file(scratch / "plain", plain);
        auto out = test::run({"age", "-r", format_age_recipient(recipient), "-o",
                              (scratch / "theirs.age").string(), (scratch / "plain").string()});
        REQUIRE(out.exit_code == 0);
        CHECK(decrypt(read_file(scratch / "theirs.age", 1 << 30), identities) == plain);
    }
    SECTION("age -d rejects a truncated pmxsnap file too") {
        auto sealed = encrypt(plain, {recipient});
        test::put_file(scratch / "cut.age", sealed.substr(0, sealed.size() - 100));
        auto out = test::run(
            {"age", "-d", "-i", (scratch / "key.txt").string(), (scratch / "cut.age").string()});
        CHECK(out.exit_code != 0);
    }
}
