package guard

// Remembered is the number of runs whose rewritten message g remembers.
func Remembered(g *Guards) int { return g.inputs.remembered() }
