// Interop with the real minisign binary both ways, and the rejections.
#include "catch.hpp"
#include "process.hpp"
#include "scratch.hpp"

#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <sys/stat.h>

using namespace pmxsnap;
using namespace pmxsnap::crypto;

namespace {

std::string sign_file(const SecretKey& key, const fs::path& file, const std::string& comment) {
    Blake2b512 hasher;
    hasher.update(read_file(file));
    return sign_prehashed(key, hasher.finish(), comment, "signature from pmxsnap secret key");
}

VerifyResult verify(const fs::path& file, const std::string& signature_text, const PublicKey& key) {
    return verify_file(file, parse_signature(signature_text, "test.minisig"), {key});
}

} // namespace

TEST_CASE("keys round-trip through their file formats") {
    auto key = generate_secret_key();
    auto parsed = parse_secret_key(format_secret_key(key), "test.key");
    CHECK(parsed.key == key.key);
    CHECK(parsed.key_id == key.key_id);
    auto pub = parse_public_key(format_public_key(key.public_key()), "test.pub");
    CHECK(pub.key == key.public_key().key);
    CHECK(pub.key_id_hex().size() == 16);
    // The bare base64 line is accepted too, as minisign -P takes it.
    auto text = format_public_key(key.public_key());
    auto line = text.substr(text.find('\n') + 1);
    CHECK(parse_public_key(line, "line").key == pub.key);
}

TEST_CASE("pmxsnap's signatures verify with minisign, and minisign's with pmxsnap") {
    if (!test::have_program("minisign")) {
        WARN("minisign not installed: skipped");
        return;
    }
    test::Scratch scratch;
    auto file = scratch / "archive.pmxsnap";
    test::put_file(file, std::string(200000, 'p') + "payload");

    SECTION("pmxsnap signs, minisign verifies; a flipped byte is rejected") {
        auto key = generate_secret_key();
        test::put_file(scratch / "k.pub", format_public_key(key.public_key()), 0644);
        test::put_file(scratch / "archive.pmxsnap.minisig", sign_file(key, file, "pmxsnap/1 test"));
        auto ok = test::run({"minisign", "-Vm", file.string(), "-p", (scratch / "k.pub").string()});
        CHECK(ok.exit_code == 0);
        CHECK_THAT(ok.out, Catch::Matchers::ContainsSubstring("pmxsnap/1 test"));
        test::put_file(file, std::string(200000, 'p') + "paylOad");
        auto bad =
            test::run({"minisign", "-Vm", file.string(), "-p", (scratch / "k.pub").string()});
        CHECK(bad.exit_code != 0);
    }
    SECTION("minisign -G -W keys and minisign -S signatures work with pmxsnap") {
        auto generated = test::run({"minisign", "-G", "-W", "-p", (scratch / "m.pub").string(),
                                    "-s", (scratch / "m.key").string()});
        REQUIRE(generated.exit_code == 0);
        auto signed_ = test::run({"minisign", "-S", "-s", (scratch / "m.key").string(), "-m",
                                  file.string(), "-t", "from minisign"});
        REQUIRE(signed_.exit_code == 0);
        auto pub = load_public_key(scratch / "m.pub");
        auto result = verify(file, read_file(file.string() + ".minisig"), pub);
        CHECK(result.ok);
        CHECK(result.trusted_comment == "from minisign");
        // And pmxsnap signs with minisign's secret key; minisign verifies.
        ::chmod((scratch / "m.key").c_str(), 0600);
        auto key = load_secret_key(scratch / "m.key");
        CHECK(key.public_key().key == pub.key);
        test::put_file(file.string() + ".minisig",
                       sign_file(key, file, "pmxsnap with minisign's key"));
        auto ok = test::run({"minisign", "-Vm", file.string(), "-p", (scratch / "m.pub").string()});
        CHECK(ok.exit_code == 0);
    }
    SECTION("legacy (non-prehashed) minisign signatures verify") {
        test::run({"minisign", "-G", "-W", "-p", (scratch / "m.pub").string(), "-s",
                   (scratch / "m.key").string()});
        auto legacy = test::run(
            {"minisign", "-S", "-l", "-s", (scratch / "m.key").string(), "-m", file.string()});
        if (legacy.exit_code != 0) {
            WARN("this minisign cannot make legacy signatures");
            return;
        }
        auto signature = parse_signature(read_file(file.string() + ".minisig"), "legacy");
        CHECK_FALSE(signature.prehashed());
        CHECK(verify_file(file, signature, {load_public_key(scratch / "m.pub")}).ok);
    }
}

TEST_CASE("tampering is rejected, each with its own reason") {
    test::Scratch scratch;
    auto file = scratch / "a";
    test::put_file(file, "content");
    auto key = generate_secret_key();
    auto text = sign_file(key, file, "pmxsnap/1 cluster=demo");
    CHECK(verify(file, text, key.public_key()).ok);

    SECTION("file altered") {
        test::put_file(file, "Content");
        CHECK_THAT(verify(file, text, key.public_key()).reason,
                   Catch::Matchers::ContainsSubstring("does not match the file"));
    }
    SECTION("trusted comment altered") {
        auto changed = text;
        changed.replace(changed.find("demo"), 4, "evil");
        CHECK_THAT(verify(file, changed, key.public_key()).reason,
                   Catch::Matchers::ContainsSubstring("comment was altered"));
        CHECK_FALSE(verify_trusted_comment(parse_signature(changed, "x"), key.public_key()));
    }
    SECTION("another key") {
        auto other = generate_secret_key();
        CHECK_THAT(verify(file, text, other.public_key()).reason,
                   Catch::Matchers::ContainsSubstring("not trusted") &&
                       Catch::Matchers::ContainsSubstring(key.public_key().key_id_hex()));
    }
}

TEST_CASE("malformed keys and signatures give an error naming the source") {
    auto key_text = format_secret_key(generate_secret_key());
    CHECK_THROWS_WITH(parse_secret_key("", "empty.key"),
                      Catch::Matchers::ContainsSubstring("empty.key"));
    CHECK_THROWS_WITH(parse_secret_key("untrusted comment: x\n!!!!\n", "junk.key"),
                      Catch::Matchers::ContainsSubstring("junk.key") &&
                          Catch::Matchers::ContainsSubstring("base64"));
    auto damaged = key_text;
    damaged[damaged.size() - 10] = damaged[damaged.size() - 10] == 'A' ? 'B' : 'A';
    CHECK_THROWS_WITH(parse_secret_key(damaged, "damaged.key"),
                      Catch::Matchers::ContainsSubstring("damaged.key"));
    CHECK_THROWS_WITH(parse_signature("just one line\n", "one.minisig"),
                      Catch::Matchers::ContainsSubstring("one.minisig") &&
                          Catch::Matchers::ContainsSubstring("4 lines"));
    CHECK_THROWS_WITH(
        parse_signature("untrusted comment: a\nAAAA\ntrusted comment: b\nAAAA\n", "short.minisig"),
        Catch::Matchers::ContainsSubstring("short.minisig"));
    CHECK_THROWS(sign_prehashed(generate_secret_key(), {}, "two\nlines", "x"));
}

TEST_CASE("a secret key readable by others is refused, and so is a world-writable trusted.d") {
    test::Scratch scratch;
    test::put_file(scratch / "open.key", format_secret_key(generate_secret_key()), 0644);
    CHECK_THROWS_WITH(load_secret_key(scratch / "open.key"),
                      Catch::Matchers::ContainsSubstring("too open") &&
                          Catch::Matchers::ContainsSubstring("0644"));
    fs::create_directory(scratch / "trusted.d");
    test::put_file(scratch / "trusted.d" / "a.pub",
                   format_public_key(generate_secret_key().public_key()), 0644);
    CHECK(load_trusted_keys(scratch / "trusted.d").size() == 1);
    ::chmod((scratch / "trusted.d").c_str(), 0777);
    CHECK_THROWS_WITH(load_trusted_keys(scratch / "trusted.d"),
                      Catch::Matchers::ContainsSubstring("writable"));
}
