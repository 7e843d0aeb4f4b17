package fieldmanager

// peIndex maps the path elements of a list's elements to ints: an array
// searched in order for the short lists objects mostly have, a map past
// that. The zero value is empty and ready.
type peIndex struct {
	n    int
	pes  [8]pathElement
	vals [8]int
	m    map[pathElement]int
}

func (x *peIndex) get(pe pathElement) (int, bool) {
	if x.m != nil {
		v, ok := x.m[pe]
		return v, ok
	}
	for i := 0; i < x.n; i++ {
		if x.pes[i] == pe {
			return x.vals[i], true
		}
	}
	return 0, false
}

func (x *peIndex) set(pe pathElement, v int) {
	if x.m != nil {
		x.m[pe] = v
		return
	}
	for i := 0; i < x.n; i++ {
		if x.pes[i] == pe {
			x.vals[i] = v
			return
		}
	}
	if x.n < len(x.pes) {
		x.pes[x.n], x.vals[x.n] = pe, v
		x.n++
		return
	}
	x.m = make(map[pathElement]int, 2*len(x.pes))
	for i := 0; i < x.n; i++ {
		x.m[x.pes[i]] = x.vals[i]
	}
	x.m[pe] = v
}
