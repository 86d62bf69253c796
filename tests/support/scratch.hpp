// Scratch: a per-test temporary directory. Removed when the test passes, kept
// (and its path printed) when it fails, so a failure can be inspected.
#pragma once

#include <filesystem>
#include <string>

namespace pmxsnap::test {

class Scratch {
  public:
    Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch();

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& name) const {
        return path_ / name;
    }

  private:
    std::filesystem::path path_;
    std::uint64_t failures_at_start_;
};

// Writes a whole file (parents created), published atomically with mode.
void put_file(const std::filesystem::path& path, const std::string& text, unsigned mode = 0600);

// Count of failed assertions so far in this process (kept by the listener in main.cpp).
std::uint64_t failed_assertions();

} // namespace pmxsnap::test
