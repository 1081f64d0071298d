package offline

import (
	"sort"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// propKind is what the offline model believes a tool property holds, which
// decides how it fills the property from the request.
type propKind int

const (
	kindText       propKind = iota // free text
	kindLabel                      // a short label (subject, title, name): quotes and cues only
	kindEmail                      // an e-mail address
	kindExpression                 // an arithmetic expression
	kindTimezone                   // an IANA time zone
	kindPlace                      // a city or region name
	kindKey                        // the name half of a name/value pair
	kindValue                      // the value half of a name/value pair
	kindNumber                     // integer or number
	kindBool                       // boolean
	kindEnum                       // one of a fixed set of values
	kindArray                      // a list
	kindObject                     // a nested object
	kindURL                        // a web address
	kindDate                       // a calendar date
)

// prop is one property of a tool's input schema.
type prop struct {
	name      string
	words     []string // stems of the name's words
	desc      string
	descWords map[string]bool // stems of the description's words
	typ       string          // "string", "integer", "number", "boolean", "array", "object"
	kind      propKind
	enum      []any
	format    string
	required  bool
	def       any
	hasDef    bool
	min, max  *float64
	itemType  string
	itemEnum  []any
	primary   bool            // the tool's main free-text property
	queryLike bool            // a search query: gets a focused text
	cues      map[string]bool // stems of words that, before a quote, point to this property
}

// toolInfo is a tool as the planner sees it.
type toolInfo struct {
	tool       ai.Tool
	index      int
	nameWords  []string // distinct stems of the name's words
	descWords  []string // distinct stems of the description's words not in the name
	context    map[string]bool
	props      []*prop
	singleText bool // exactly one property, and it is free text
}

var (
	keyNames     = stemSet("key name label field slot topic")
	valueNames   = stemSet("value content text data fact info information note body detail details description memory")
	memoryWords  = stemSet("memory remember recall save store forget note fact retrieve")
	timeWords    = stemSet("time clock timezone zone tz iana hour")
	placeNames   = stemSet("location city place region country town where destination origin area")
	primaryNames = stemSet("input query q text task prompt question message body content instructions instruction request description topic search term terms keyword keywords")
	queryNames   = stemSet("query q search term terms keyword keywords topic")
	labelNames   = stemSet("subject title headline heading caption label tag name id filename username")
	subjectCues  = stemSet("subject title titled headline heading caption re called named")
	bodyCues     = stemSet("body message content contents text saying say says said read reads note write writing tell")
	nameCues     = stemSet("name named called label key")
	valueCues    = stemSet("value as")
	queryCues    = stemSet("search query find look lookup for about")

	emailNames     = stemSet("email mail recipient recipients cc bcc")
	emailRoleNames = stemSet("to from sender address")
	emailCtx       = stemSet("email mail")
	exprNames      = stemSet("expression expr formula equation math calculation arithmetic")
	exprDesc       = stemSet("expression formula equation arithmetic")
	tzNames        = stemSet("timezone tz zone iana")
	tzDesc         = stemSet("timezone iana")
	urlNames       = stemSet("url link uri website href")
)

// parseTool reads a tool's name, description and schema. Any schema shape is
// accepted: what cannot be understood is ignored.
func parseTool(t ai.Tool, index int) *toolInfo {
	ti := &toolInfo{tool: t, index: index, context: map[string]bool{}}
	seen := map[string]bool{}
	for _, w := range splitIdent(t.Name) {
		s := stem(w)
		if s == "" || seen[s] || isNumeric(s) || stopwords[w] {
			continue
		}
		seen[s] = true
		ti.nameWords = append(ti.nameWords, s)
		ti.context[s] = true
	}
	for _, tok := range tokenize(t.Description) {
		if stopwords[tok.lower] || isNumeric(tok.lower) || len(tok.lower) < 3 || seen[tok.stem] {
			continue
		}
		seen[tok.stem] = true
		ti.context[tok.stem] = true
		if !weakToolWords[tok.stem] {
			ti.descWords = append(ti.descWords, tok.stem)
		}
	}
	ti.props = parseProps(t.InputSchema)
	for _, p := range ti.props {
		classify(p, ti.context)
	}
	pairKinds(ti)
	strs := 0
	for _, p := range ti.props {
		if p.typ == "string" && (p.kind == kindText || p.kind == kindLabel) {
			strs++
		}
	}
	for _, p := range ti.props {
		if p.kind != kindText {
			continue
		}
		if strs == 1 || anyIn(p.words, primaryNames) {
			p.primary = true
		}
		p.queryLike = anyIn(p.words, queryNames)
	}
	ti.singleText = len(ti.props) == 1 && ti.props[0].kind == kindText && ti.props[0].typ == "string"
	return ti
}

// parseProps lists the properties of an object schema: required ones first,
// in the order the schema lists them, then the others by name.
func parseProps(schema map[string]any) []*prop {
	if schema == nil {
		return nil
	}
	raw, _ := schema["properties"].(map[string]any)
	var required []string
	switch r := schema["required"].(type) {
	case []any:
		for _, x := range r {
			if s, ok := x.(string); ok {
				required = append(required, s)
			}
		}
	case []string:
		required = append(required, r...)
	}
	reqSet := map[string]bool{}
	var names []string
	for _, n := range required {
		if _, ok := raw[n]; ok && !reqSet[n] {
			reqSet[n] = true
			names = append(names, n)
		}
	}
	var rest []string
	for n := range raw {
		if !reqSet[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)
	props := make([]*prop, 0, len(names))
	for _, n := range names {
		p := &prop{name: n, required: reqSet[n], descWords: map[string]bool{}, cues: map[string]bool{}}
		for _, w := range splitIdent(n) {
			p.words = append(p.words, stem(w))
		}
		m, _ := raw[n].(map[string]any)
		readPropSchema(p, m)
		props = append(props, p)
	}
	return props
}

// readPropSchema fills p's type and constraints from its schema m (nil is
// fine: the property is then plain text).
func readPropSchema(p *prop, m map[string]any) {
	p.typ = schemaType(m)
	p.desc, _ = m["description"].(string)
	for _, tok := range tokenize(p.desc) {
		if !stopwords[tok.lower] {
			p.descWords[tok.stem] = true
		}
	}
	p.enum, _ = m["enum"].([]any)
	if c, ok := m["const"]; ok && len(p.enum) == 0 {
		p.enum = []any{c}
	}
	p.format, _ = m["format"].(string)
	p.def, p.hasDef = m["default"]
	p.min = numField(m, "minimum")
	p.max = numField(m, "maximum")
	if items, ok := m["items"].(map[string]any); ok {
		p.itemType = schemaType(items)
		p.itemEnum, _ = items["enum"].([]any)
	}
	if p.typ == "" {
		switch {
		case len(p.enum) > 0:
			p.typ = jsonTypeOf(p.enum[0])
		case m["properties"] != nil:
			p.typ = "object"
		case m["items"] != nil:
			p.typ = "array"
		default:
			p.typ = "string"
		}
	}
}

// schemaType reads "type" (a string, or a list such as ["string","null"]),
// looking into anyOf/oneOf when it is absent.
func schemaType(m map[string]any) string {
	if m == nil {
		return ""
	}
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if alts, ok := m[k].([]any); ok {
			for _, a := range alts {
				if am, ok := a.(map[string]any); ok {
					if s := schemaType(am); s != "" && s != "null" {
						return s
					}
				}
			}
		}
	}
	return ""
}

func jsonTypeOf(v any) string {
	switch v.(type) {
	case float64, float32, int, int64, int32:
		return "number"
	case bool:
		return "boolean"
	}
	return "string"
}

func numField(m map[string]any, k string) *float64 {
	switch v := m[k].(type) {
	case float64:
		return &v
	case int:
		f := float64(v)
		return &f
	case int64:
		f := float64(v)
		return &f
	}
	return nil
}

// classify decides the kind of p from its type, format, name and
// description, and the words of its tool (toolCtx).
func classify(p *prop, toolCtx map[string]bool) {
	name := func(set map[string]bool) bool { return anyIn(p.words, set) }
	desc := func(set map[string]bool) bool { return anyKey(p.descWords, set) }
	lowDesc := strings.ToLower(p.desc)
	switch {
	case len(p.enum) > 0:
		p.kind = kindEnum
	case p.typ == "integer" || p.typ == "number":
		p.kind = kindNumber
	case p.typ == "boolean":
		p.kind = kindBool
	case p.typ == "array":
		p.kind = kindArray
	case p.typ == "object":
		p.kind = kindObject
	case p.typ != "string":
		p.kind = kindText
	case p.format == "email" || name(emailNames) ||
		(name(emailRoleNames) && (anyKey(toolCtx, emailCtx) || desc(emailCtx))) ||
		strings.Contains(lowDesc, "email address") || strings.Contains(lowDesc, "e-mail address"):
		p.kind = kindEmail
	case name(exprNames) || desc(exprDesc):
		p.kind = kindExpression
	case name(tzNames) || desc(tzDesc) || strings.Contains(lowDesc, "time zone") ||
		(name(placeNames) && anyKey(toolCtx, timeWords)):
		p.kind = kindTimezone
	case name(placeNames):
		p.kind = kindPlace
	case p.format == "uri" || p.format == "url" || name(urlNames):
		p.kind = kindURL
	case p.format == "date" || p.format == "date-time":
		p.kind = kindDate
	case name(labelNames):
		p.kind = kindLabel
	default:
		p.kind = kindText
	}
	for _, w := range p.words {
		p.cues[w] = true
	}
	if p.kind != kindText && p.kind != kindLabel {
		return
	}
	add := func(set map[string]bool) {
		for w := range set {
			p.cues[w] = true
		}
	}
	switch {
	case name(nameCues):
		add(nameCues)
	case name(subjectCues) || name(labelNames):
		add(subjectCues)
	case name(queryNames):
		add(queryCues)
	case name(bodyCues) || name(primaryNames):
		add(bodyCues)
	case name(valueNames):
		add(valueCues)
	}
}

// pairKinds marks name/value pairs (save_fact{key, value}) and the lone
// name of a memory-like tool (recall{name}).
func pairKinds(ti *toolInfo) {
	var keys, values []*prop
	for _, p := range ti.props {
		if p.typ != "string" || (p.kind != kindText && p.kind != kindLabel) {
			continue
		}
		switch {
		case anyIn(p.words, keyNames):
			keys = append(keys, p)
		case anyIn(p.words, valueNames):
			values = append(values, p)
		}
	}
	if len(keys) > 0 && len(values) > 0 {
		keys[0].kind = kindKey
		values[0].kind = kindValue
		return
	}
	if len(keys) > 0 && anyKey(ti.context, memoryWords) {
		keys[0].kind = kindKey
	}
}

func anyIn(words []string, set map[string]bool) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}

func anyKey(m, set map[string]bool) bool {
	for w := range set {
		if m[w] {
			return true
		}
	}
	return false
}
