package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/memory"
)

// Watch fan-out and watch-cache list benchmarks. Server, watchers and load
// generator run in one process, on loopback only.
//
//	go test -run=NONE -bench=WatchFanout -benchtime=1x ./server
//	go test -run=NONE -bench=ListFromCache ./server
//
// Reference (kube-apiserver v1.37 on etcd 3.6, same kind of machine), 1,000
// watchers of one object: the writer reached only 38 writes/s, 37,700 events/s
// delivered, p99 63 ms. Target: 1,000 watchers x 100 writes/s = 100,000
// events/s delivered, none lost, p99 < 100 ms.

const (
	fanoutWatchers = 1_000
	fanoutRate     = 100   // writes/s, ticker-paced
	fanoutWrites   = 1_000 // writes per benchmark op: 10 s at fanoutRate
	// fanoutFDs is what the benchmark needs: both ends of every watch
	// connection plus headroom.
	fanoutFDs = 2*fanoutWatchers + 100
)

func memoryStore(*testing.B) storage.Interface { return memory.New() }

// BenchmarkWatchFanout: fanoutWatchers watchers, each on its own HTTP/1.1
// connection, watch one ConfigMap by field selector while one writer updates it
// fanoutRate times a second, waiting for each write's response before the next.
// One op is one round of fanoutWrites writes (10 s); the default -benchtime
// runs one round. Every event's latency is from just before the writer's PUT to
// the watcher decoding it.
//
// Two pacings of the writer:
//   - ticker: a time.Ticker; a write that overruns its 10 ms slot loses ticks
//     (at most one stays pending), so writes/s is below fanoutRate as soon as
//     write latency approaches the interval.
//   - schedule: write i is due at start + i x 10 ms; a late writer catches up
//     at once, so writes/s shows whether the server sustains the rate.
func BenchmarkWatchFanout(b *testing.B) {
	raiseFDLimit(b, fanoutFDs)
	b.Run("pacing=ticker", func(b *testing.B) { benchWatchFanout(b, false) })
	b.Run("pacing=schedule", func(b *testing.B) { benchWatchFanout(b, true) })
}

func benchWatchFanout(b *testing.B, schedule bool) {
	url, client := startBench(b, memoryStore)
	cmURL := url + "/api/v1/namespaces/default/configmaps"

	// The watched object, and the revision every watch starts after.
	resp, err := client.Post(cmURL, "application/json", bytes.NewReader(fanoutConfigMap(0, 0)))
	if err != nil {
		b.Fatal(err)
	}
	startRV, err := objectRV(resp, http.StatusCreated)
	if err != nil {
		b.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	watchers := make([]*fanoutWatcher, fanoutWatchers)
	var readers sync.WaitGroup
	b.Cleanup(func() { // before the server's shutdown (cleanups run last first)
		cancel()
		readers.Wait()
		for _, w := range watchers {
			if w != nil {
				w.tr.CloseIdleConnections()
			}
		}
	})
	watchURL := fmt.Sprintf("%s?watch=true&fieldSelector=metadata.name=target&resourceVersion=%d", cmURL, startRV)
	openWatchers(b, ctx, watchURL, watchers, &readers)

	var (
		expected  []int64 // the writes' resourceVersions, in order
		writeLat  []time.Duration
		writeTime time.Duration // time spent in the paced write phases
		delivTime time.Duration // first write of a round to its last delivery
	)
	for b.Loop() {
		before := delivered(watchers)
		start := time.Now()
		tick := time.NewTicker(time.Second / fanoutRate)
		for i := range fanoutWrites {
			if !schedule {
				<-tick.C
			} else if d := time.Until(start.Add(time.Duration(i+1) * time.Second / fanoutRate)); d > 0 {
				time.Sleep(d)
			}
			sent := time.Now()
			req, _ := http.NewRequest(http.MethodPut, cmURL+"/target", bytes.NewReader(fanoutConfigMap(len(expected)+1, sent.UnixNano())))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			rv, err := objectRV(resp, http.StatusOK)
			if err != nil {
				b.Fatalf("write %d: %v", i, err)
			}
			writeLat = append(writeLat, time.Since(sent))
			expected = append(expected, rv)
		}
		tick.Stop()
		lastWrite := time.Now()
		writeTime += lastWrite.Sub(start)

		// Wait for every watcher to get every event, or to end, for at most 10 s.
		want := int64(len(expected))
		for deadline := lastWrite.Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if allCaughtUp(watchers, want) {
				break
			}
		}
		var last int64
		for _, w := range watchers {
			last = max(last, w.lastRecv.Load())
		}
		if delivered(watchers) > before && last > start.UnixNano() {
			delivTime += time.Duration(last - start.UnixNano())
		}
	}
	b.StopTimer()
	cancel()
	readers.Wait()

	// Per watcher: the resourceVersions received must be exactly the writes'.
	var (
		lat                     []int64
		got                     int64
		complete, ended, errEvs int
		firstBad                []string
	)
	for i, w := range watchers {
		got += int64(len(w.rvs))
		lat = append(lat, w.lat...)
		errEvs += w.badEvents
		if w.early {
			ended++
		}
		if slices.Equal(w.rvs, expected) {
			complete++
		} else if len(firstBad) < 5 {
			firstBad = append(firstBad, fmt.Sprintf("watcher %d: %d of %d events, missing %d, end: %v",
				i, len(w.rvs), len(expected), missing(expected, w.rvs), w.err))
		}
	}
	total := int64(len(expected)) * fanoutWatchers
	slices.Sort(lat)
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(percentile(lat, 100)), "max-ms")
	b.ReportMetric(float64(len(expected))/writeTime.Seconds(), "writes/s")
	b.ReportMetric(float64(got)/delivTime.Seconds(), "events/s")
	b.ReportMetric(float64(total-got), "lost-events")
	b.ReportMetric(float64(complete), "complete-watchers")
	b.ReportMetric(float64(ended), "closed-watchers")
	slices.Sort(writeLat)
	b.ReportMetric(float64(writeLat[len(writeLat)/2].Microseconds())/1e3, "write-p50-ms")
	b.ReportMetric(float64(writeLat[len(writeLat)*99/100].Microseconds())/1e3, "write-p99-ms")
	b.Logf("%d writes x %d watchers: %d events delivered, %d complete watchers, %d streams ended early, %d unexpected events",
		len(expected), fanoutWatchers, got, complete, ended, errEvs)
	for _, s := range firstBad {
		b.Log(s)
	}
	if got != total || complete != fanoutWatchers {
		b.Errorf("lost events: %d of %d delivered; %d of %d watchers got every write", got, total, complete, fanoutWatchers)
	}
}

// fanoutWatcher is one watch stream and what it received. lat and rvs are
// written by its reader only and read after it ends.
type fanoutWatcher struct {
	tr        *http.Transport
	body      io.ReadCloser
	lat       []int64 // now - sent, ns, per event
	rvs       []int64 // resourceVersion per event
	badEvents int     // events that are not a MODIFIED of the target
	err       error   // why the stream ended
	early     bool    // it ended before the benchmark stopped it
	count     atomic.Int64
	lastRecv  atomic.Int64 // UnixNano of the last event
	done      atomic.Bool
}

// openWatchers opens every watch, each through its own transport (so its own
// connection), 50 at a time, and starts their readers. It checks that the
// connections are distinct.
func openWatchers(b *testing.B, ctx context.Context, url string, watchers []*fanoutWatcher, readers *sync.WaitGroup) {
	var (
		mu     sync.Mutex
		locals = map[string]bool{}
		next   atomic.Int64
		wg     sync.WaitGroup
		errs   = make(chan error, len(watchers))
	)
	for range 50 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(watchers) {
					return
				}
				w := &fanoutWatcher{
					tr:  &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 1, DisableCompression: true},
					lat: make([]int64, 0, fanoutWrites),
					rvs: make([]int64, 0, fanoutWrites),
				}
				trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
					mu.Lock()
					locals[ci.Conn.LocalAddr().String()] = true
					mu.Unlock()
				}}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, url, nil)
				resp, err := (&http.Client{Transport: w.tr}).Do(req)
				if err != nil {
					errs <- fmt.Errorf("watcher %d: %w", i, err)
					return
				}
				if resp.StatusCode != http.StatusOK {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					errs <- fmt.Errorf("watcher %d: %s %s", i, resp.Status, body)
					return
				}
				// The server registers the watch before it sends the headers.
				w.body = resp.Body
				watchers[i] = w
				readers.Go(func() { w.read(ctx) })
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if len(locals) != len(watchers) {
		b.Fatalf("%d watchers share %d connections", len(watchers), len(locals))
	}
}

// read decodes the stream event by event until it ends.
func (w *fanoutWatcher) read(ctx context.Context) {
	defer w.done.Store(true)
	defer w.body.Close()
	dec := json.NewDecoder(w.body)
	for {
		var ev struct {
			Type   string `json:"type"`
			Object struct {
				Metadata struct {
					ResourceVersion string `json:"resourceVersion"`
				} `json:"metadata"`
				Data struct {
					Sent string `json:"sent"`
				} `json:"data"`
			} `json:"object"`
		}
		if err := dec.Decode(&ev); err != nil {
			w.err, w.early = err, ctx.Err() == nil
			return
		}
		now := time.Now().UnixNano()
		sent, err1 := strconv.ParseInt(ev.Object.Data.Sent, 10, 64)
		rv, err2 := strconv.ParseInt(ev.Object.Metadata.ResourceVersion, 10, 64)
		if ev.Type != "MODIFIED" || err1 != nil || err2 != nil {
			w.badEvents++
			continue
		}
		w.lat = append(w.lat, now-sent)
		w.rvs = append(w.rvs, rv)
		w.lastRecv.Store(now)
		w.count.Add(1)
	}
}

func allCaughtUp(watchers []*fanoutWatcher, want int64) bool {
	for _, w := range watchers {
		if w.count.Load() < want && !w.done.Load() {
			return false
		}
	}
	return true
}

func delivered(watchers []*fanoutWatcher) int64 {
	var n int64
	for _, w := range watchers {
		n += w.count.Load()
	}
	return n
}

// missing counts the revisions of want absent from got.
func missing(want, got []int64) int {
	have := make(map[int64]bool, len(got))
	for _, rv := range got {
		have[rv] = true
	}
	n := 0
	for _, rv := range want {
		if !have[rv] {
			n++
		}
	}
	return n
}

// percentile returns the p-th percentile of sorted (0 when empty).
func percentile(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func fanoutConfigMap(seq int, sent int64) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target","namespace":"default","labels":{"app":"fanout"}},"data":{"seq":"%d","sent":"%d"}}`, seq, sent)
}

// objectRV reads resp's object and returns its resourceVersion, checking the
// status code.
func objectRV(resp *http.Response, want int) (int64, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != want {
		return 0, fmt.Errorf("%s: %s", resp.Status, body)
	}
	var obj struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(body, &obj); err != nil {
		return 0, err
	}
	return strconv.ParseInt(obj.Metadata.ResourceVersion, 10, 64)
}

// raiseFDLimit raises the soft (and if need be hard) open-file limit to at
// least need, or skips the benchmark.
func raiseFDLimit(b *testing.B, need uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("cannot read RLIMIT_NOFILE: %v", err)
	}
	if lim.Cur >= need {
		return
	}
	lim.Cur = need
	lim.Max = max(lim.Max, need)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("need %d open files for %d watch connections (both ends); RLIMIT_NOFILE cannot be raised: %v", need, fanoutWatchers, err)
	}
}

// BenchmarkListFromCache lists 50,000 pods of about 2 KiB from the watch cache
// (resourceVersion=0) and from storage (resourceVersion=""). The client only
// discards the body, so allocs/object is essentially the server's: the process's
// allocations per list divided by the number of pods.
func BenchmarkListFromCache(b *testing.B) {
	const pods = 50_000
	url, client := startBench(b, memoryStore)
	benchCreatePods(b, client, url, pods)
	for _, rv := range []string{"0", ""} {
		b.Run("resourceVersion="+rv, func(b *testing.B) {
			listURL := url + "/api/v1/namespaces/default/pods?resourceVersion=" + rv
			size := benchListPods(b, client, listURL, pods) // also loads the cache
			b.SetBytes(size)
			b.ReportAllocs()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				benchListPods(b, client, listURL, -1)
			}
			runtime.ReadMemStats(&after)
			perObject := float64(b.N) * pods
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/perObject, "allocs/object")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/perObject, "B/object")
		})
	}
}
