// run(): runs a program (no shell), captures stdout and stderr, bounded in
// time. Tests use it to drive the pmxsnap binary and reference tools
// (minisign, zstd, tar, corosync) exactly as an operator would.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pmxsnap::test {

struct ProcessResult {
    int exit_code = -1; // -1 when killed by a signal
    int signal = 0;     // the signal that ended it, or 0
    bool timed_out = false;
    std::string out;
    std::string err;
};

struct RunOptions {
    std::string input;                            // written to stdin
    std::map<std::string, std::string> extra_env; // added to the environment
    std::chrono::seconds timeout{120};
    std::filesystem::path cwd;
};

ProcessResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Absolute path of a binary built by this project (pmxsnap, pmxsnap-mkfixture).
std::filesystem::path built_binary(const std::string& name);

bool have_program(const std::string& name);

} // namespace pmxsnap::test
