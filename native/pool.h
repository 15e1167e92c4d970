// native/pool.h — the native backend's threads: N − 1 workers plus the calling thread share a job
// cut into chunks. The chunks of a job are fixed before it starts; each thread claims one at a time
// (compare-and-swap on a word tagged with the job's number, so a worker that read a job late can
// never run a chunk of the next one with stale arguments — the protocol of src/kernels/wasm/threads.ts).
// The caller claims chunks too and then waits only for chunks a worker is running right now: a
// worker the OS has not scheduled costs nothing, the caller takes its chunks.
// Between jobs a worker spins ~100 µs (the next kernel call usually follows within microseconds),
// then sleeps on a condition variable.
// One pool per process, shared by every JavaScript thread that loads the addon (worker_threads):
// a job posted while another thread's job runs is run by its caller alone (try_lock), so two
// callers never mix their jobs and neither waits for the other.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

class Pool {
 public:
  using ChunkFn = void (*)(const void* ctx, int chunk);

  ~Pool() { resize(1); }

  int threads() const { return int(workers_.size()) + 1; }
  /** Jobs of which a worker ran at least one chunk (tests use it to know the threaded path ran). */
  long parallelJobs() const { return parallelJobs_; }

  void resize(int n) {
    if (n < 1) n = 1;
    std::lock_guard<std::mutex> owner(runMu_);         // not while a job runs
    if (n == threads()) return;
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    quit_ = false;
    for (int i = 1; i < n; i++) workers_.emplace_back([this] { loop(); });
  }

  /** Runs fn(ctx, c) for c in [0, nChunks) on all threads; returns when every chunk is done. */
  void run(int nChunks, ChunkFn fn, const void* ctx) {
    if (nChunks <= 0) return;
    std::unique_lock<std::mutex> owner(runMu_, std::try_to_lock);
    if (!owner.owns_lock() || workers_.empty() || nChunks == 1) { for (int c = 0; c < nChunks; c++) fn(ctx, c); return; }
    const uint64_t job = ++job_;
    claim_.store(job << 32 | 0xffffffffu);          // invalidate before rewriting the job
    fn_ = fn; ctx_ = ctx; nChunks_ = nChunks;
    done_.store(0);
    claim_.store(job << 32);
    seq_.store(job);
    if (sleepers_.load() > 0) { std::lock_guard<std::mutex> lk(mu_); cv_.notify_all(); }
    int mine = work(job, fn, ctx, nChunks);
    if (mine < nChunks) parallelJobs_++;
    for (long spins = 0; done_.load() != nChunks; spins++) {
      if (spins > 4000) std::this_thread::yield(); else pause();
    }
  }

 private:
  static inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  /** Claims and runs chunks of `job` until none is left; returns how many this thread ran. */
  int work(uint64_t job, ChunkFn fn, const void* ctx, int nChunks) {
    int ran = 0;
    for (;;) {
      uint64_t claim = claim_.load();
      if ((claim >> 32) != job) return ran;           // a newer job replaced it: what was read is stale
      const uint32_t c = uint32_t(claim);
      if (c >= uint32_t(nChunks)) return ran;
      if (!claim_.compare_exchange_weak(claim, claim + 1)) continue;
      fn(ctx, int(c));
      ran++;
      done_.fetch_add(1);
    }
  }

  void loop() {
    uint64_t seen = seq_.load();
    for (;;) {
      // spin about 100 µs for the next job, then sleep until one is posted
      auto t0 = std::chrono::steady_clock::now();
      for (long spins = 0; seq_.load() == seen && !quit_.load(); spins++) {
        pause();
        if ((spins & 255) == 0 && std::chrono::steady_clock::now() - t0 > std::chrono::microseconds(100)) {
          std::unique_lock<std::mutex> lk(mu_);
          sleepers_.fetch_add(1);
          cv_.wait(lk, [&] { return seq_.load() != seen || quit_.load(); });
          sleepers_.fetch_sub(1);
          break;
        }
      }
      if (quit_.load()) return;
      seen = seq_.load();
      const uint64_t job = seen;
      // read the job, then claim with its tag: a torn read (the caller already rewriting for the
      // next job) fails the tag check inside work()
      ChunkFn fn = fn_; const void* ctx = ctx_; int n = nChunks_;
      work(job, fn, ctx, n);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex runMu_;                                  // held by the thread whose job the workers run
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> quit_{false};
  std::atomic<uint64_t> seq_{0}, claim_{0};
  std::atomic<int> done_{0}, sleepers_{0};
  uint64_t job_ = 0;
  long parallelJobs_ = 0;
  // the job (written by the caller between invalidating and re-tagging claim_)
  std::atomic<ChunkFn> fn_{nullptr};
  std::atomic<const void*> ctx_{nullptr};
  std::atomic<int> nChunks_{0};
};
