#define CATCH_CONFIG_RUNNER // v2: this file has main(); v3 links no main at all
#include "catch.hpp"

#include <sodium.h>

#include <atomic>

namespace pmxsnap::test {

namespace {
std::atomic<std::uint64_t> failures{0};
}

std::uint64_t failed_assertions() {
    return failures.load();
}

// Counts failed assertions so Scratch can keep the directory of a failed test.
// The listener's base and its hook's return type are the one place where
// Catch2 v2 and v3 differ for us beyond names (see catch.hpp).
#if CATCH_VERSION_MAJOR >= 3
struct FailureCounter : Catch::EventListenerBase {
    using EventListenerBase::EventListenerBase;
    void assertionEnded(const Catch::AssertionStats& stats) override {
        if (!stats.assertionResult.isOk())
            ++failures;
    }
};
#else
struct FailureCounter : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    bool assertionEnded(const Catch::AssertionStats& stats) override {
        if (!stats.assertionResult.isOk())
            ++failures;
        return true;
    }
};
#endif
CATCH_REGISTER_LISTENER(FailureCounter)

} // namespace pmxsnap::test

int main(int argc, char* argv[]) {
    if (sodium_init() < 0)
        return 2;
    return Catch::Session().run(argc, argv);
}
