package offline

import (
	"regexp"
	"strconv"
	"strings"
)

// This file turns arithmetic written in words or symbols ("15 multiplied by
// 23, plus 100", "the sum of 2 and 3", "(4 + 5) * 2", "7 squared") into an
// expression with the operators + - * / % ^ and parentheses.

type mKind int

const (
	mBreak  mKind = iota // anything that ends an expression
	mNum                 // a number
	mOp                  // + - * / % ^
	mX                   // the letter x (times, between numbers)
	mLP                  // (
	mRP                  // )
	mPost                // squared, cubed
	mComma               // ,
	mThen                // then
	mAnd                 // and
	mOf                  // of, between
	mBy                  // by
	mFrom                // from
	mTo                  // to
	mFill                // the, it, that, result: skipped where a term may start
	mPrefix              // sum, product, difference, quotient
	mVerb                // add, subtract, multiply, divide, square, cube
	mSqrt                // square root, sqrt
	mPct                 // percent, %
)

type mItem struct {
	kind mKind
	op   string // operator (mOp, mPost), verb or prefix word, or number text
	span
}

// mathLexRe finds the lexemes of arithmetic text. Dates, clock times,
// phone-like digit groups and slashed dates come first, so they are read
// as one lexeme that breaks an expression.
var mathLexRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\d+(?:-\d+){2,}|\d{3,}-\d{3,}|\d{1,4}/\d{1,2}/\d{2,4}|\d+(?:\.\d+)?[eE][+-]?\d+|\d+(?:,\d{3})*(?:\.\d+)?|\*\*|[+\-*/^×÷−()%,]|[\p{L}]+(?:['’][\p{L}]+)?|[?!.;:\n]`)

var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	"hundred": 100, "thousand": 1000, "million": 1000000,
}

var simpleMathWords = map[string]mItem{
	"plus": {kind: mOp, op: "+"}, "minus": {kind: mOp, op: "-"}, "times": {kind: mOp, op: "*"},
	"over": {kind: mOp, op: "/"}, "mod": {kind: mOp, op: "%"}, "modulo": {kind: mOp, op: "%"},
	"x": {kind: mX}, "squared": {kind: mPost, op: "^ 2"}, "cubed": {kind: mPost, op: "^ 3"},
	"then": {kind: mThen}, "and": {kind: mAnd}, "of": {kind: mOf}, "between": {kind: mOf},
	"by": {kind: mBy}, "from": {kind: mFrom}, "to": {kind: mTo},
	"the": {kind: mFill}, "it": {kind: mFill}, "that": {kind: mFill}, "result": {kind: mFill}, "this": {kind: mFill},
	"sum": {kind: mPrefix, op: "+"}, "total": {kind: mPrefix, op: "+"}, "product": {kind: mPrefix, op: "*"},
	"difference": {kind: mPrefix, op: "-"}, "quotient": {kind: mPrefix, op: "/"},
	"add": {kind: mVerb, op: "+"}, "subtract": {kind: mVerb, op: "-"}, "multiply": {kind: mVerb, op: "*"},
	"divide": {kind: mVerb, op: "/"}, "square": {kind: mVerb, op: "^ 2"}, "cube": {kind: mVerb, op: "^ 3"},
	"sqrt": {kind: mSqrt}, "percent": {kind: mPct},
}

// lexMath reads text into arithmetic lexemes.
func lexMath(text string) []mItem {
	type lex struct {
		s string
		span
	}
	var lx []lex
	for _, l := range mathLexRe.FindAllStringIndex(text, -1) {
		lx = append(lx, lex{text[l[0]:l[1]], span{l[0], l[1]}})
	}
	word := func(i int) string {
		if i < len(lx) {
			return strings.ToLower(lx[i].s)
		}
		return ""
	}
	var items []mItem
	for i := 0; i < len(lx); i++ {
		s, sp := lx[i].s, lx[i].span
		w := word(i)
		c := s[0]
		switch {
		case c >= '0' && c <= '9':
			if strings.ContainsAny(s, ":/") || (strings.Contains(s, "-") && !strings.ContainsAny(s, "eE")) {
				items = append(items, mItem{kind: mBreak, span: sp})
			} else {
				items = append(items, mItem{kind: mNum, op: strings.ReplaceAll(s, ",", ""), span: sp})
			}
		case s == "**" || s == "^":
			items = append(items, mItem{kind: mOp, op: "^", span: sp})
		case strings.ContainsAny(s, "+-−*/×÷%") && len([]rune(s)) == 1:
			op := map[string]string{"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "/": "/", "÷": "/", "%": "%"}[s]
			items = append(items, mItem{kind: mOp, op: op, span: sp})
		case s == "(":
			items = append(items, mItem{kind: mLP, span: sp})
		case s == ")":
			items = append(items, mItem{kind: mRP, span: sp})
		case s == ",":
			items = append(items, mItem{kind: mComma, span: sp})
		case strings.ContainsAny(s, "?!.;:\n"):
			items = append(items, mItem{kind: mBreak, span: sp})
		case w == "multiplied" || w == "divided":
			if word(i+1) == "by" {
				op := "*"
				if w == "divided" {
					op = "/"
				}
				items = append(items, mItem{kind: mOp, op: op, span: span{sp.start, lx[i+1].end}})
				i++
			} else {
				items = append(items, mItem{kind: mBreak, span: sp})
			}
		case (w == "to" && word(i+1) == "the" && word(i+2) == "power" && word(i+3) == "of"):
			items = append(items, mItem{kind: mOp, op: "^", span: span{sp.start, lx[i+3].end}})
			i += 3
		case w == "raised" && word(i+1) == "to":
			end := i + 1
			if word(i+2) == "the" && word(i+3) == "power" && word(i+4) == "of" {
				end = i + 4
			}
			items = append(items, mItem{kind: mOp, op: "^", span: span{sp.start, lx[end].end}})
			i = end
		case w == "square" && word(i+1) == "root":
			items = append(items, mItem{kind: mSqrt, span: span{sp.start, lx[i+1].end}})
			i++
		case w == "take" && word(i+1) == "away":
			items = append(items, mItem{kind: mOp, op: "-", span: span{sp.start, lx[i+1].end}})
			i++
		case w == "per" && word(i+1) == "cent":
			items = append(items, mItem{kind: mPct, span: span{sp.start, lx[i+1].end}})
			i++
		case isNumberWord(w):
			j := i
			for j+1 < len(lx) && isNumberWord(word(j+1)) {
				j++
			}
			var ws []string
			for k := i; k <= j; k++ {
				ws = append(ws, word(k))
			}
			v, ok := numberFromWords(ws)
			if !ok {
				items = append(items, mItem{kind: mBreak, span: sp})
				continue
			}
			items = append(items, mItem{kind: mNum, op: strconv.FormatInt(v, 10), span: span{sp.start, lx[j].end}})
			i = j
		default:
			if it, ok := simpleMathWords[w]; ok {
				it.span = sp
				items = append(items, it)
			} else {
				items = append(items, mItem{kind: mBreak, span: sp})
			}
		}
	}
	return items
}

func isNumberWord(w string) bool { _, ok := numberWords[w]; return ok }

// numberFromWords composes words such as "twenty three" or "two hundred
// five" into a value.
func numberFromWords(ws []string) (int64, bool) {
	var total, cur int64
	found := false
	for _, w := range ws {
		v, ok := numberWords[w]
		if !ok {
			return 0, false
		}
		switch {
		case v == 100:
			if cur == 0 {
				cur = 1
			}
			cur *= 100
		case v >= 1000:
			if cur == 0 {
				cur = 1
			}
			total += cur * int64(v)
			cur = 0
		default:
			cur += int64(v)
		}
		found = true
	}
	return total + cur, found
}

// mExpr is a parsed piece of an expression.
type mExpr struct {
	s      string
	prec   int  // 1: + -, 2: * / %, 3: ^, 4: atom
	ops    int  // operators it holds
	closed bool // a unit in the phrasing ("the sum of 2 and 3"): bracket it before a tighter operator
}

func opPrec(op string) int {
	switch op {
	case "+", "-":
		return 1
	case "*", "/", "%":
		return 2
	}
	return 3
}

// maxMathDepth bounds the parser's recursion (two levels a parenthesis);
// maxMathOps the operators of one expression.
const (
	maxMathDepth = 200
	maxMathOps   = 64
)

type mathParser struct {
	items []mItem
}

func (p *mathParser) kind(i int) mKind {
	if i < 0 || i >= len(p.items) {
		return mBreak
	}
	return p.items[i].kind
}

func (p *mathParser) skipFill(i int) int {
	for p.kind(i) == mFill {
		i++
	}
	return i
}

// combine joins l op r. When group is set (the phrasing closed l with a
// comma or "then", or l is a closed unit), l is bracketed if op binds
// tighter; r is bracketed whenever needed to keep its meaning.
func combine(l mExpr, op string, r mExpr, group bool) mExpr {
	pr := opPrec(op)
	ls, lp := l.s, l.prec
	if (group || l.closed) && l.prec < pr {
		ls, lp = "("+l.s+")", 4
	}
	rs := r.s
	if r.prec < pr || (r.prec == pr && op != "+" && op != "*") || (r.closed && r.prec <= pr && op != "+") {
		rs = "(" + r.s + ")"
	}
	return mExpr{s: ls + " " + op + " " + rs, prec: min(lp, pr), ops: l.ops + r.ops + 1}
}

// post applies a postfix power ("^ 2") to l. Without grouping it binds to
// l's last operand, as "3 plus 2 squared" reads; a grouped chain, a power
// or a negative number is bracketed first.
func post(l mExpr, op string, group bool) mExpr {
	ls, lp := l.s, l.prec
	if (l.prec < 3 && (group || l.closed)) || l.prec == 3 || (l.prec == 4 && strings.HasPrefix(l.s, "-")) {
		ls, lp = "("+l.s+")", 4
	}
	return mExpr{s: ls + " " + op, prec: min(lp, 3), ops: l.ops + 1}
}

// term parses one operand starting at i.
func (p *mathParser) term(i int, depth int) (mExpr, int, bool) {
	if depth > maxMathDepth {
		return mExpr{}, i, false
	}
	i = p.skipFill(i)
	if i >= len(p.items) {
		return mExpr{}, i, false
	}
	it := p.items[i]
	switch it.kind {
	case mNum:
		e := mExpr{s: it.op, prec: 4}
		j := i + 1
		pct := p.kind(j) == mPct || (p.kind(j) == mOp && p.items[j].op == "%" && p.kind(j+1) == mOf)
		if pct {
			j++
			if p.kind(j) == mOf {
				if r, k, ok := p.term(j+1, depth+1); ok {
					e = combine(mExpr{s: it.op + " / 100", prec: 2, ops: 1}, "*", r, false)
					e.closed = true
					return e, k, true
				}
			}
			return mExpr{s: it.op + " / 100", prec: 2, ops: 1, closed: true}, j, true
		}
		return e, j, true
	case mLP:
		e, j, ok := p.seq(i+1, depth+1)
		if !ok || p.kind(j) != mRP {
			return mExpr{}, i, false
		}
		return mExpr{s: "(" + e.s + ")", prec: 4, ops: e.ops}, j + 1, true
	case mOp:
		if it.op == "-" || it.op == "+" {
			r, j, ok := p.term(i+1, depth+1)
			if !ok {
				return mExpr{}, i, false
			}
			if it.op == "+" {
				return r, j, true
			}
			if r.prec < 4 || strings.HasPrefix(r.s, "-") {
				return mExpr{s: "-(" + r.s + ")", prec: 4, ops: r.ops}, j, true
			}
			return mExpr{s: "-" + r.s, prec: 4, ops: r.ops}, j, true
		}
	case mSqrt:
		j := i + 1
		if p.kind(j) == mOf {
			j++
		}
		r, k, ok := p.term(j, depth+1)
		if !ok {
			return mExpr{}, i, false
		}
		e := post(r, "^ 0.5", true)
		e.closed = true
		return e, k, true
	case mPrefix:
		// the sum of A and B (and C...), the difference between A and B
		j := i + 1
		if p.kind(j) != mOf {
			return mExpr{}, i, false
		}
		l, k, ok := p.term(j+1, depth+1)
		if !ok {
			return mExpr{}, i, false
		}
		n := 0
		for {
			m := k
			if p.kind(m) == mComma {
				m++
			}
			if p.kind(m) == mAnd {
				m++
			}
			if m == k {
				break
			}
			r, m2, ok := p.term(m, depth+1)
			if !ok {
				break
			}
			l = combine(l, it.op, r, true)
			k = m2
			n++
			if it.op == "-" || it.op == "/" {
				break
			}
		}
		if n == 0 {
			return mExpr{}, i, false
		}
		l.closed = true
		return l, k, true
	case mVerb:
		// add A and/to B, subtract A from B, multiply A by/and B, divide A by B
		if it.op == "^ 2" || it.op == "^ 3" {
			r, k, ok := p.term(i+1, depth+1)
			if !ok {
				return mExpr{}, i, false
			}
			e := post(r, it.op, true)
			e.closed = true
			return e, k, true
		}
		a, k, ok := p.term(i+1, depth+1)
		if !ok {
			return mExpr{}, i, false
		}
		sep := p.kind(k)
		valid := false
		switch it.op {
		case "+":
			valid = sep == mAnd || sep == mTo || sep == mComma
		case "-":
			valid = sep == mFrom
		case "*", "/":
			valid = sep == mBy || sep == mAnd
		}
		if !valid {
			return mExpr{}, i, false
		}
		b, m, ok := p.term(k+1, depth+1)
		if !ok {
			return mExpr{}, i, false
		}
		var e mExpr
		if it.op == "-" {
			e = combine(b, "-", a, true)
		} else {
			e = combine(a, it.op, b, true)
		}
		e.closed = true
		return e, m, true
	}
	return mExpr{}, i, false
}

// seq parses a chain of operands and operators starting at i.
func (p *mathParser) seq(i int, depth int) (mExpr, int, bool) {
	l, j, ok := p.term(i, depth)
	if !ok {
		return mExpr{}, i, false
	}
	for l.ops < maxMathOps {
		k := j
		linked := false
		switch {
		case p.kind(k) == mComma:
			k++
			linked = true
			if p.kind(k) == mAnd {
				k++
			}
			if p.kind(k) == mThen {
				k++
			}
		case p.kind(k) == mThen:
			k++
			linked = true
		case p.kind(k) == mAnd && (p.kind(k+1) == mThen || p.kind(k+1) == mVerb):
			k++
			linked = true
			if p.kind(k) == mThen {
				k++
			}
		}
		switch p.kind(k) {
		case mOp:
			r, m, ok := p.term(k+1, depth+1)
			if !ok {
				return l, j, true
			}
			l = combine(l, p.items[k].op, r, linked)
			j = m
		case mX:
			r, m, ok := p.term(k+1, depth+1)
			if !ok || (p.kind(k+1) != mNum && p.kind(k+1) != mLP) {
				return l, j, true
			}
			l = combine(l, "*", r, linked)
			j = m
		case mPost:
			l = post(l, p.items[k].op, linked)
			j = k + 1
		case mVerb:
			if !linked {
				return l, j, true
			}
			op := p.items[k].op
			m := p.skipFill(k + 1)
			if op == "^ 2" || op == "^ 3" {
				l = post(l, op, true)
				j = m
				continue
			}
			if (op == "*" || op == "/") && p.kind(m) == mBy {
				m++
			}
			r, m2, ok := p.term(m, depth+1)
			if !ok {
				return l, j, true
			}
			if op == "+" && p.kind(m2) == mTo {
				m2 = p.skipFill(m2 + 1)
			}
			if op == "-" && p.kind(m2) == mFrom {
				m2 = p.skipFill(m2 + 1)
			}
			l = combine(l, op, r, true)
			j = m2
		default:
			return l, j, true
		}
	}
	return l, j, true
}

// exprCand is an arithmetic expression found in a text.
type exprCand struct {
	expr string
	ops  int
	span
}

// findExpressions returns every arithmetic expression of text holding at
// least one operator, in order.
func findExpressions(text string) []exprCand {
	items := lexMath(text)
	p := &mathParser{items: items}
	var out []exprCand
	for i := 0; i < len(items); {
		switch items[i].kind {
		case mNum, mLP, mOp, mPrefix, mVerb, mSqrt:
			if e, j, ok := p.seq(i, 0); ok && e.ops > 0 && j > i {
				out = append(out, exprCand{expr: e.s, ops: e.ops, span: span{items[i].start, items[j-1].end}})
				i = j
				continue
			}
		}
		i++
	}
	return out
}
