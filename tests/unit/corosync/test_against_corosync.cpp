// Differential test: generated configs and systematic mutations, each given
// to the real `corosync -c FILE -t` and to pmxsnap's parser. Where corosync
// reports a syntax error ("parser error: FILE:N: ..."), pmxsnap must report
// the same line and words; where corosync accepts, pmxsnap must accept.
// corosync's semantic rejections ("parse error in config: ...", duplicate
// nodeids) and its abort on a non-numeric config_version are counted as
// rejections too; pmxsnap's parser may accept those (its semantic checks are
// separate) and the count is reported.
//
// Past the syntax, verdicts are compared too: corosync refuses a config
// exactly when pmxsnap's semantic checks report an error.
#include "catch.hpp"
#include "process.hpp"
#include "sample_configs.hpp"
#include "scratch.hpp"

#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/semantic_checks.hpp"
#include "pmxsnap/util/atomic_file.hpp"

#include <netdb.h>
#include <unistd.h>

#include <regex>

using namespace pmxsnap;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto at = text.find('\n'); at != std::string::npos; at = text.find('\n', start)) {
        lines.push_back(text.substr(start, at - start));
        start = at + 1;
    }
    return lines;
}

std::string join(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The installed corosync's release, from `corosync -v`.
corosync::Rules installed_rules() {
    auto result = test::run({"corosync", "-v"});
    auto rules = corosync::Rules::of_version(result.out + result.err);
    REQUIRE(rules);
    return *rules;
}

std::vector<std::string> mutations_of(const std::string& base) {
    std::vector<std::string> out{base};
    auto lines = lines_of(base);
    for (std::size_t i = 1; i <= lines.size(); ++i) // cut after every line
        out.push_back(join({lines.begin(), lines.begin() + static_cast<long>(i)}));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        auto with = [&](const std::string& replacement) {
            auto changed = lines;
            changed[i] = replacement;
            out.push_back(join(changed));
        };
        if (line.find('{') != std::string::npos) {
            with(line.substr(0, line.find('{'))); // a brace removed
            with(line + " text");                 // text after an opening brace
        }
        if (line.find('}') != std::string::npos) {
            with(""); // closing brace removed
            with(line + " x");
        }
        if (auto colon = line.find(':'); colon != std::string::npos) {
            with(line + "\n" + line);                                    // duplicate key
            with(line + " # trailing comment");                          // comment after a value
            with(line.substr(0, colon) + " =" + line.substr(colon + 1)); // '=' for ':'
            with(line.substr(0, colon + 1) + " x" + line.substr(colon + 1)); // non-numeric
            with(line.substr(0, colon + 1));                                 // empty value
        }
    }
    // Duplicate node ids and names, the nodelist's own mistakes.
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"nodeid: 2", "nodeid: 1"},
             {"nodeid: 3", "nodeid: 1"},
             {"name: pve2", "name: pve1"},
             {"name: pve3", "name: pve2"},
             {"ring0_addr: 127.0.0.2", "ring0_addr: 127.0.0.1"}}) {
        auto at = base.find(from);
        if (at != std::string::npos)
            out.push_back(std::string(base).replace(at, from.size(), to));
    }
    for (std::size_t length : {505u, 510u, 511u, 600u})
        out.push_back(base + "x: " + std::string(length - 3, 'v') + "\n");
    // The cmap path limit: top-level and nested keys and sections around 255.
    for (std::size_t length : {252u, 253u, 254u, 255u}) {
        std::string name(length, 'k');
        out.push_back(base + name + ": v\n");
        out.push_back(base + "extra {\n" + name.substr(6) + ": v\n}\n");
        out.push_back(base + "extra {\n" + name.substr(6) + " {\n}\n}\n");
    }
    // udpu: derived nodeids, IPv6 without one, crypto, a second link.
    auto plain = replace_all(base, "  secauth: on\n", "");
    auto udpu = replace_all(plain, "  version: 2\n", "  version: 2\n  transport: udpu\n");
    out.push_back(udpu);
    out.push_back(replace_all(udpu, "    nodeid: 2\n", ""));
    out.push_back(replace_all(plain, "    nodeid: 2\n", ""));
    out.push_back(replace_all(replace_all(udpu, "    nodeid: 2\n", ""), "ring0_addr: 127.0.0.2",
                              "ring0_addr: ::2"));
    out.push_back(replace_all(udpu, "  version: 2\n", "  version: 2\n  secauth: on\n"));
    out.push_back(replace_all(base, "  version: 2\n", "  version: 2\n  transport: udpu\n"));
    out.push_back(replace_all(udpu, "ring0_addr: 127.0.0.2",
                              "ring0_addr: 127.0.0.2\n    ring1_addr: 127.0.1.2"));
    out.push_back(replace_all(base, "  version: 2\n", "  version: 2\n  transport: tcp\n"));
    // A no-break space (0xA0), whitespace from corosync 3.1.8 on.
    out.push_back(replace_all(base, "  version: 2\n", "  version: 2\xA0\n"));
    out.push_back(replace_all(base, "  cluster_name: ", "  cluster_name:\xA0"));
    out.push_back(replace_all(base, "quorum {\n", "quorum {\xA0\n\xA0\n"));
    out.push_back(base.substr(0, base.rfind("}\n")) + "\xA0}\n");
    out.push_back("# only a comment\n");
    out.push_back(";semicolon comment\n" + base);
    out.push_back("   # indented comment\n" + base);
    return out;
}

struct Verdict {
    bool accepted = false;
    bool syntax_error = false;
    int line = 0;
    std::string message;
    std::string all;
};

Verdict corosync_verdict(const fs::path& file) {
    test::RunOptions options;
    options.timeout = std::chrono::seconds(20);
    auto result = test::run({"corosync", "-c", file.string(), "-t"}, options);
    Verdict verdict;
    verdict.accepted = result.exit_code == 0;
    static const std::regex syntax("parser error: [^:]+:([0-9]+): ([^\n]*)");
    std::smatch match;
    auto all = result.out + result.err;
    verdict.all = all;
    if (std::regex_search(all, match, syntax)) {
        verdict.syntax_error = true;
        verdict.line = std::stoi(match[1]);
        verdict.message = match[2];
    }
    return verdict;
}

} // namespace

TEST_CASE("pmxsnap's parser agrees with corosync -t", "[corosync][differential]") {
    if (!test::have_program("corosync") || !test::have_program("corosync-keygen")) {
        WARN("corosync not installed: differential test skipped");
        return;
    }
    test::Scratch scratch;
    auto key = scratch / "authkey";
    REQUIRE(test::run({"corosync-keygen", "-k", key.string()}).exit_code == 0);
    std::vector<std::string> configs;
    for (int nodes : {1, 3, 5}) {
        auto base = test::proxmox_corosync_conf(nodes, "127.0.0.", 1, key.string());
        auto mutated = mutations_of(base);
        configs.insert(configs.end(), mutated.begin(), mutated.end());
    }
    std::size_t agreed = 0, corosync_semantic_only = 0, syntax_rejections = 0;
    // The rules of the corosync installed here (3.1.7 on Debian 12, 3.1.9 on
    // 13); the configs on which the other release's rules give another
    // verdict show the difference is exercised.
    auto rules = installed_rules();
    auto other = rules.nbsp_is_blank() ? *corosync::Rules::of_version("3.1.7")
                                       : *corosync::Rules::of_version("3.1.9");
    std::size_t other_rules_differ = 0;
    corosync::Environment environment;
    environment.readable_file = [](const std::string& path) {
        return ::access(path.c_str(), R_OK) == 0;
    };
    environment.resolvable_address = [](const std::string& name) {
        addrinfo* result = nullptr;
        bool ok = ::getaddrinfo(name.c_str(), nullptr, nullptr, &result) == 0;
        if (result)
            ::freeaddrinfo(result);
        return ok;
    };
    for (std::size_t i = 0; i < configs.size(); ++i) {
        auto file = scratch / fmt::format("c{}.conf", i);
        {
            AtomicFile out(file, 0644);
            out.write(configs[i]);
            out.commit();
        }
        auto theirs = corosync_verdict(file);
        auto ours = corosync::parse_config(configs[i], rules);
        if (corosync::parse_config(configs[i], other).ok() != ours.ok())
            ++other_rules_differ;
        INFO("config " << i << ":\n" << configs[i]);
        if (theirs.syntax_error) {
            ++syntax_rejections;
            REQUIRE_FALSE(ours.ok());
            CHECK(ours.error->line == theirs.line);
            CHECK(ours.error->message == theirs.message);
        } else if (!ours.ok()) {
            // corosync aborts on a non-numeric config_version (an assertion,
            // exit 134) where pmxsnap gives a clean error: both reject.
            INFO("pmxsnap: " << ours.error->message << "; corosync: " << theirs.all);
            CHECK_FALSE(theirs.accepted);
        } else {
            // Past the syntax, the verdict includes the semantic checks, with
            // the host's answers (keyfile readable, names resolvable).
            auto findings = corosync::check_semantics(*ours.config, &environment);
            bool refuses = corosync::has_errors(findings);
            if (!theirs.accepted)
                ++corosync_semantic_only;
            INFO("corosync said: " << theirs.all);
            CHECK(refuses == !theirs.accepted);
        }
        ++agreed;
    }
    CHECK(configs.size() >= 300);
    CHECK(syntax_rejections > 50);
    CHECK(other_rules_differ >= 3);
    WARN("corosync " << rules.version() << ": " << configs.size() << " configs, "
                     << other_rules_differ << " read differently by " << other.version()
                     << "'s rules: " << syntax_rejections
                     << " syntax rejections matched line and words; " << corosync_semantic_only
                     << " semantic rejections, each matched by pmxsnap's semantic checks");
}
