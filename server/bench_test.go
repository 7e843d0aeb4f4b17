package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"kctl.dev/kctl/internal/testobjects"

	"kctl.dev/kctl/server/fake"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/bolt"
	"kctl.dev/kctl/server/storage/memory"
)

// Reference figures (kube-apiserver with etcd, same kind of machine): 782
// creates/s from 16 clients; a list of 10,000 pods in 0.41 s. Targets: memory
// >= 10,000 creates/s, bolt >= 2,000 creates/s.
//
//	go test -run=NONE -bench='CreatePods|ListPods' -benchtime=3s ./server

const benchClients = 16

// benchBackends are the storage benchBackends the benchmarks run on; open returns a
// store that is closed when the benchmark ends.
var benchBackends = []struct {
	name string
	open func(b *testing.B) storage.Interface
}{
	{"memory", func(b *testing.B) storage.Interface { return memory.New() }},
	{"bolt", func(b *testing.B) storage.Interface {
		st, err := bolt.Open(filepath.Join(b.TempDir(), "kctl.db"), bolt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
}

// startBench starts a server over a new store of the backend and returns its
// URL and an HTTP client sharing one transport with an idle connection per
// benchmark client.
func startBench(b *testing.B, open func(*testing.B) storage.Interface) (string, *http.Client) {
	st := open(b)
	b.Cleanup(func() { st.Close() }) // after the server's own cleanup
	srv := fake.Start(b, fake.WithStorage(st))
	tr := &http.Transport{MaxIdleConns: 2 * benchClients, MaxIdleConnsPerHost: 2 * benchClients}
	b.Cleanup(tr.CloseIdleConnections)
	return srv.URL, &http.Client{Transport: tr}
}

func BenchmarkCreatePods(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			url, client := startBench(b, be.open)
			b.SetBytes(int64(len(testobjects.Pod(0))))
			b.ResetTimer()
			benchCreatePods(b, client, url, b.N)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}

func BenchmarkListPods(b *testing.B) {
	const pods = 10_000
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			url, client := startBench(b, be.open)
			benchCreatePods(b, client, url, pods)
			for _, rv := range []string{"", "0"} {
				b.Run("resourceVersion="+rv, func(b *testing.B) {
					listURL := url + "/api/v1/namespaces/default/pods?resourceVersion=" + rv
					size := benchListPods(b, client, listURL, pods)
					b.SetBytes(size)
					b.ReportAllocs() // client and server: both run in this process
					for b.Loop() {
						benchListPods(b, client, listURL, -1)
					}
				})
			}
		})
	}
}

// benchCreatePods POSTs n pods from benchClients concurrent clients.
func benchCreatePods(b *testing.B, client *http.Client, url string, n int) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range benchClients {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				resp, err := client.Post(url+"/api/v1/namespaces/default/pods", "application/json", bytes.NewReader(testobjects.Pod(i)))
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("create pod %d: %s %s", i, resp.Status, body)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// benchListPods GETs the list at url and returns the size of the body; when want
// is not negative it also checks the number of items.
func benchListPods(b *testing.B, client *http.Client, url string, want int) int64 {
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("list: %s %s", resp.Status, body)
	}
	if want < 0 {
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	var list struct{ Items []json.RawMessage }
	if err := json.Unmarshal(body, &list); err != nil {
		b.Fatal(err)
	}
	if len(list.Items) != want {
		b.Fatalf("list has %d pods, want %d", len(list.Items), want)
	}
	return int64(len(body))
}

// BenchmarkListPodsTable lists 10,000 pods as kubectl get does: Table pages of
// 500 with the rows' object metadata, following the continue tokens.
func BenchmarkListPodsTable(b *testing.B) {
	const pods = 10_000
	url, client := startBench(b, benchBackends[0].open)
	benchCreatePods(b, client, url, pods)
	for _, include := range []string{"Metadata", "None"} {
		b.Run("includeObject="+include, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, cont := 0, ""
				for {
					req, err := http.NewRequest(http.MethodGet, url+"/api/v1/pods?limit=500&includeObject="+include+"&continue="+cont, nil)
					if err != nil {
						b.Fatal(err)
					}
					req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var page struct {
						Rows     []json.RawMessage
						Metadata struct{ Continue string }
					}
					err = json.NewDecoder(resp.Body).Decode(&page)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						b.Fatalf("list: %s %v", resp.Status, err)
					}
					rows += len(page.Rows)
					if cont = page.Metadata.Continue; cont == "" {
						break
					}
				}
				if rows != pods {
					b.Fatalf("listed %d rows, want %d", rows, pods)
				}
			}
		})
	}
}
