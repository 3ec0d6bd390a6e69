namespace PhoneHub.Normalization;

/// <summary>
/// Matches strings of ASCII digits against several of libphonenumber's number patterns at once, in one pass over the
/// digits, with a deterministic automaton built lazily from the patterns.
/// </summary>
/// <remarks>
/// <para>
/// libphonenumber validates a number by testing it against up to eleven regular expressions of its region, one after
/// the other (general description, premium rate, toll free, ..., fixed line, mobile), each a full .NET regex match.
/// The patterns only ever use digits, digit classes, groups, alternation and bounded repetition, so they describe
/// regular languages over ten symbols: one automaton can follow all of them together and report, at the end of the
/// digits, which of them matched (bit <c>i</c> of the result for pattern <c>i</c>).
/// </para>
/// <para>
/// The patterns are compiled to a nondeterministic automaton once; its deterministic states (sets of its states) are
/// made the first time a digit leads to them and kept, so a match is one array read per digit. The number of kept
/// states is bounded; past the bound, states are still computed but not kept, so the answer never changes, only the
/// speed. Reads take no lock; new states are made under a lock and published fully built.
/// </para>
/// <para>
/// <see cref="TryCreate"/> returns <see langword="null"/> for a pattern using anything outside that subset, and the
/// caller then uses the regular expressions instead.
/// </para>
/// </remarks>
internal sealed class DigitAutomaton
{
    // Generous for the largest region (about 10,000 characters of patterns); reached only by future metadata.
    private const int MaxNfaStates = 400_000;
    private const int MaxKeptStates = 20_000;

    // Built only from types the runtime ships precompiled (arrays, List<int>, string-keyed dictionaries): the first
    // normalization in a process pays for JIT-compiling this code, and generic collections over custom value types
    // would each add their own compilation to that first call.
    private readonly int[] _masks;
    private readonly int[] _next;
    private readonly List<int>?[] _epsilon;
    private readonly int[] _tags;
    private readonly object _gate = new();
    private readonly Dictionary<string, DfaState> _kept = new(StringComparer.Ordinal);
    private readonly int[] _marks;
    private readonly List<int> _work = [];
    private readonly List<int> _consumers = [];
    private int _generation;

    private DigitAutomaton(Nfa nfa, int start)
    {
        _masks = nfa.Masks;
        _next = nfa.Next;
        _epsilon = nfa.Epsilon;
        _tags = nfa.Tags;
        _marks = new int[nfa.Count];
        lock (_gate)
        {
            _start = Closure(new List<int> { start }, keep: true);
        }
    }

    /// <summary>The state before any digit.</summary>
    private readonly DfaState _start;

    /// <summary>
    /// Builds the automaton of <paramref name="patterns"/> (a <see langword="null"/> entry is a pattern that never
    /// matches), or returns <see langword="null"/> when a pattern uses syntax outside the supported subset.
    /// </summary>
    public static DigitAutomaton? TryCreate(IReadOnlyList<string?> patterns)
    {
        if (patterns.Count > 32)
        {
            return null;
        }

        var nfa = new Nfa();
        var start = nfa.NewEpsilon();
        try
        {
            for (var i = 0; i < patterns.Count; i++)
            {
                if (patterns[i] is not { } pattern)
                {
                    continue;
                }

                var node = new PatternParser(pattern).Parse();
                var (s, e) = nfa.Build(node);
                var accept = nfa.Add(0, -1, 1 << i);
                nfa.AddEpsilon(start, s);
                nfa.AddEpsilon(e, accept);
            }
        }
        catch (FormatException)
        {
            return null;
        }

        return new DigitAutomaton(nfa, start);
    }

    /// <summary>Which patterns match all of <paramref name="digits"/> (bit <c>i</c> for pattern <c>i</c>); 0 for none or for a non-digit.</summary>
    public uint MatchAll(ReadOnlySpan<char> digits)
    {
        var state = _start;
        foreach (var c in digits)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return 0;
            }

            state = Volatile.Read(ref state.Next[d]) ?? Step(state, d);
            if (state.IsDead)
            {
                return 0;
            }
        }

        return state.Accept;
    }

    /// <summary>Whether some pattern matches a beginning of <paramref name="digits"/> (as a regex anchored only at the start).</summary>
    public bool MatchesBeginning(ReadOnlySpan<char> digits)
    {
        var state = _start;
        if (state.Accept != 0)
        {
            return true;
        }

        foreach (var c in digits)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            state = Volatile.Read(ref state.Next[d]) ?? Step(state, d);
            if (state.Accept != 0)
            {
                return true;
            }

            if (state.IsDead)
            {
                return false;
            }
        }

        return false;
    }

    private DfaState Step(DfaState from, int digit)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref from.Next[digit]) is { } known)
            {
                return known;
            }

            var bit = 1 << digit;
            var targets = new List<int>();
            foreach (var s in from.Consumers)
            {
                if ((_masks[s] & bit) != 0)
                {
                    targets.Add(_next[s]);
                }
            }

            // A state reached from a state that is not kept is not kept either, or the bound would not hold.
            var keep = from.Kept && _kept.Count < MaxKeptStates;
            var to = Closure(targets, keep);
            if (keep)
            {
                Volatile.Write(ref from.Next[digit], to);
            }

            return to;
        }
    }

    private DfaState Closure(List<int> roots, bool keep)
    {
        _generation++;
        _consumers.Clear();
        var accept = 0;
        _work.AddRange(roots);
        while (_work.Count > 0)
        {
            var s = _work[^1];
            _work.RemoveAt(_work.Count - 1);
            if (_marks[s] == _generation)
            {
                continue;
            }

            _marks[s] = _generation;
            accept |= _tags[s];
            if (_masks[s] != 0)
            {
                _consumers.Add(s);
            }

            if (_epsilon[s] is { } targets)
            {
                foreach (var t in targets)
                {
                    if (_marks[t] != _generation)
                    {
                        _work.Add(t);
                    }
                }
            }
        }

        _consumers.Sort();

        // The set as text (accept bits, then the state numbers) is its identity among the kept states.
        var key = new char[2 + (2 * _consumers.Count)];
        key[0] = (char)(accept >> 16);
        key[1] = (char)accept;
        for (var i = 0; i < _consumers.Count; i++)
        {
            key[2 + (2 * i)] = (char)(_consumers[i] >> 16);
            key[3 + (2 * i)] = (char)_consumers[i];
        }

        var text = new string(key);
        if (_kept.TryGetValue(text, out var existing))
        {
            return existing;
        }

        var state = new DfaState(_consumers.ToArray(), (uint)accept, keep);
        if (keep)
        {
            _kept.Add(text, state);
        }

        return state;
    }

    // Fields rather than properties here and below: the first call in a process runs this code unoptimized, where
    // every accessor would be a call of its own (and a method of its own to compile).
    private sealed class DfaState(int[] consumers, uint accept, bool kept)
    {
        public readonly DfaState?[] Next = new DfaState?[10];
        public readonly int[] Consumers = consumers;
        public readonly uint Accept = accept;
        public readonly bool Kept = kept;

        /// <summary>No digit leads anywhere from here and nothing matched: no answer can change.</summary>
        public readonly bool IsDead = consumers.Length == 0 && accept == 0;
    }

    /// <summary>A pattern as a tree: a digit set, a sequence, a choice, or a repetition (<see cref="Max"/> -1 for no bound).</summary>
    private sealed class Node(NodeKind kind)
    {
        public readonly NodeKind Kind = kind;
        public int Mask;
        public List<Node>? Items;
        public int Min;
        public int Max;
    }

    private enum NodeKind
    {
        DigitSet,
        Sequence,
        Choice,
        Repeat,
    }

    /// <summary>
    /// Reads the regex subset libphonenumber's metadata uses: digits, <c>\d</c>, classes of digits and digit ranges
    /// (negated too), groups (capturing or not), <c>|</c>, and <c>?</c>, <c>*</c>, <c>+</c>, <c>{n}</c>, <c>{n,}</c>,
    /// <c>{n,m}</c> (lazy or not: the set of strings matched is the same). Anything else is a <see cref="FormatException"/>.
    /// </summary>
    private ref struct PatternParser(string pattern)
    {
        private const int AllDigits = 0x3FF;
        private readonly string _pattern = pattern;
        private int _pos;

        public Node Parse()
        {
            var node = ParseChoice();
            if (_pos != _pattern.Length)
            {
                throw new FormatException("Unexpected character in pattern.");
            }

            return node;
        }

        private Node ParseChoice()
        {
            var options = new List<Node> { ParseSequence() };
            while (_pos < _pattern.Length && _pattern[_pos] == '|')
            {
                _pos++;
                options.Add(ParseSequence());
            }

            return options.Count == 1 ? options[0] : new Node(NodeKind.Choice) { Items = options };
        }

        private Node ParseSequence()
        {
            var items = new List<Node>();
            while (_pos < _pattern.Length && _pattern[_pos] is not '|' and not ')')
            {
                items.Add(ParseRepeat());
            }

            return items.Count == 1 ? items[0] : new Node(NodeKind.Sequence) { Items = items };
        }

        private Node ParseRepeat()
        {
            var item = ParseAtom();
            while (_pos < _pattern.Length)
            {
                int min, max;
                switch (_pattern[_pos])
                {
                    case '?':
                        (min, max) = (0, 1);
                        _pos++;
                        break;
                    case '*':
                        (min, max) = (0, -1);
                        _pos++;
                        break;
                    case '+':
                        (min, max) = (1, -1);
                        _pos++;
                        break;
                    case '{':
                        _pos++;
                        min = ReadNumber();
                        max = min;
                        if (_pos < _pattern.Length && _pattern[_pos] == ',')
                        {
                            _pos++;
                            max = _pos < _pattern.Length && _pattern[_pos] == '}' ? -1 : ReadNumber();
                        }

                        Expect('}');
                        if (max != -1 && max < min)
                        {
                            throw new FormatException("Bad repetition.");
                        }

                        break;
                    default:
                        return item;
                }

                if (_pos < _pattern.Length && _pattern[_pos] == '?')
                {
                    _pos++; // lazy: matches the same strings
                }

                item = new Node(NodeKind.Repeat) { Items = new List<Node> { item }, Min = min, Max = max };
            }

            return item;
        }

        private Node ParseAtom()
        {
            if (_pos >= _pattern.Length)
            {
                throw new FormatException("Pattern ends early.");
            }

            var c = _pattern[_pos++];
            switch (c)
            {
                case >= '0' and <= '9':
                    return Digits(1 << (c - '0'));
                case '\\':
                    Expect('d');
                    return Digits(AllDigits);
                case '[':
                    return ParseClass();
                case '(':
                    if (_pos < _pattern.Length && _pattern[_pos] == '?')
                    {
                        _pos++;
                        Expect(':');
                    }

                    var inner = ParseChoice();
                    Expect(')');
                    return inner;
                default:
                    throw new FormatException("Unsupported pattern syntax.");
            }
        }

        private static Node Digits(int mask) => new(NodeKind.DigitSet) { Mask = mask };

        private Node ParseClass()
        {
            var negate = _pos < _pattern.Length && _pattern[_pos] == '^';
            if (negate)
            {
                _pos++;
            }

            var mask = 0;
            var first = true;
            while (_pos < _pattern.Length && (_pattern[_pos] != ']' || first))
            {
                first = false;
                var c = _pattern[_pos++];
                if (c == '\\')
                {
                    Expect('d');
                    mask |= AllDigits;
                    continue;
                }

                if (c is < '0' or > '9')
                {
                    throw new FormatException("Unsupported class member.");
                }

                var last = c;
                if (_pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
                {
                    _pos++;
                    last = _pattern[_pos++];
                    if (last is < '0' or > '9' || last < c)
                    {
                        throw new FormatException("Bad range.");
                    }
                }

                for (var d = c; d <= last; d++)
                {
                    mask |= 1 << (d - '0');
                }
            }

            Expect(']');
            return Digits(negate ? ~mask & AllDigits : mask);
        }

        private int ReadNumber()
        {
            var start = _pos;
            while (_pos < _pattern.Length && _pattern[_pos] is >= '0' and <= '9')
            {
                _pos++;
            }

            if (_pos == start || _pos - start > 3)
            {
                throw new FormatException("Bad number in repetition.");
            }

            return int.Parse(_pattern.AsSpan(start, _pos - start), System.Globalization.CultureInfo.InvariantCulture);
        }

        private void Expect(char c)
        {
            if (_pos >= _pattern.Length || _pattern[_pos] != c)
            {
                throw new FormatException($"Expected '{c}' in pattern.");
            }

            _pos++;
        }
    }

    /// <summary>A Thompson automaton under construction: digit states (mask and one successor), empty moves, accepting tags.</summary>
    private sealed class Nfa
    {
        public int[] Masks = new int[256];
        public int[] Next = new int[256];
        public List<int>?[] Epsilon = new List<int>?[256];
        public int[] Tags = new int[256];
        public int Count;

        public int NewEpsilon() => Add(0, -1, 0);

        public void AddEpsilon(int from, int to) => (Epsilon[from] ??= []).Add(to);

        /// <summary>Adds the states of <paramref name="node"/>; returns its entry and its exit (an empty-move state).</summary>
        public (int Start, int End) Build(Node node)
        {
            switch (node.Kind)
            {
                case NodeKind.DigitSet:
                {
                    var end = NewEpsilon();
                    return (Add(node.Mask, end, 0), end);
                }

                case NodeKind.Sequence:
                {
                    var start = NewEpsilon();
                    var current = start;
                    foreach (var item in node.Items!)
                    {
                        var (s, e) = Build(item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    return (start, current);
                }

                case NodeKind.Choice:
                {
                    var start = NewEpsilon();
                    var end = NewEpsilon();
                    foreach (var option in node.Items!)
                    {
                        var (s, e) = Build(option);
                        AddEpsilon(start, s);
                        AddEpsilon(e, end);
                    }

                    return (start, end);
                }

                default:
                {
                    var item = node.Items![0];
                    var start = NewEpsilon();
                    var current = start;
                    for (var i = 0; i < node.Min; i++)
                    {
                        var (s, e) = Build(item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    var end = NewEpsilon();
                    if (node.Max < 0)
                    {
                        var (s, e) = Build(item);
                        AddEpsilon(current, s);
                        AddEpsilon(e, current);
                        AddEpsilon(current, end);
                        return (start, end);
                    }

                    for (var i = node.Min; i < node.Max; i++)
                    {
                        AddEpsilon(current, end);
                        var (s, e) = Build(item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    AddEpsilon(current, end);
                    return (start, end);
                }
            }
        }

        public int Add(int mask, int next, int tag)
        {
            if (Count >= MaxNfaStates)
            {
                throw new FormatException("Pattern too large.");
            }

            if (Count == Masks.Length)
            {
                var size = Count * 2;
                Array.Resize(ref Masks, size);
                Array.Resize(ref Next, size);
                Array.Resize(ref Tags, size);
                Array.Resize(ref Epsilon, size);
            }

            Masks[Count] = mask;
            Next[Count] = next;
            Tags[Count] = tag;
            return Count++;
        }
    }
}
