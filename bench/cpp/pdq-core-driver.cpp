// Prevail's driver for timing Meta's PDQ C++ core side by side with Prevail (`npm run bench --
// pdq-hash --cpp-root <ThreatExchange checkout>`). It is compiled by the bench against the
// checkout's own sources with the Makefile's -O3, so nothing of Meta's is copied here.
//
// Usage: pdq-core-driver <raw-rgb-file> <width> <height> <budget-ms> <max-runs>
// Reads width*height*3 bytes of interleaved RGB, then repeats luma + pdqHash256FromFloatLuma (the
// work Prevail's hashPixels does) until the budget or max-runs is reached, and prints one line:
//   <hash hex> <quality> <runs> <wall milliseconds per call> <CPU milliseconds per call>
// (CPU time from std::clock(), the process's own, so a loaded machine's waits are not counted).
#include <pdq/cpp/hashing/pdqhashing.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <vector>

using facebook::pdq::hashing::Hash256;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s raw-rgb width height budget-ms max-runs\n", argv[0]);
    return 2;
  }
  const int width = std::atoi(argv[2]);
  const int height = std::atoi(argv[3]);
  const double budgetMs = std::atof(argv[4]);
  const int maxRuns = std::atoi(argv[5]);
  if (width <= 0 || height <= 0 || maxRuns <= 0) return 2;
  const size_t bytes = static_cast<size_t>(width) * height * 3;
  std::vector<uint8_t> rgb(bytes);
  FILE* file = std::fopen(argv[1], "rb");
  if (file == nullptr || std::fread(rgb.data(), 1, bytes, file) != bytes) return 3;
  std::fclose(file);

  std::vector<float> buffer1(static_cast<size_t>(width) * height);
  std::vector<float> buffer2(static_cast<size_t>(width) * height);
  static float buffer64x64[64][64];
  static float buffer16x64[16][64];
  static float buffer16x16[16][16];
  Hash256 hash;
  int quality = 0;
  auto once = [&]() {
    facebook::pdq::hashing::fillFloatLumaFromRGB(
        rgb.data(), rgb.data() + 1, rgb.data() + 2, height, width, width * 3, 3, buffer1.data());
    facebook::pdq::hashing::pdqHash256FromFloatLuma(
        buffer1.data(), buffer2.data(), height, width, buffer64x64, buffer16x64, buffer16x16, hash, quality);
  };
  for (int i = 0; i < 3; i++) once(); // warm caches as the JavaScript side warms its JIT
  int runs = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpuStart = std::clock();
  double elapsedMs = 0;
  while (runs < maxRuns && (runs < 5 || elapsedMs < budgetMs)) {
    once();
    runs++;
    elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  const double cpuMs = 1000.0 * static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  std::printf("%s %d %d %.4f %.4f\n", hash.format().c_str(), quality, runs, elapsedMs / runs, cpuMs / runs);
  return 0;
}
