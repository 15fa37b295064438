#pragma once

namespace rtm::cli {

// rtm normalize --venue binance|coinbase|kraken [--book-top N] [FILE]
int normalize_command(int argc, char** argv);

}  // namespace rtm::cli
