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

    private readonly ushort[] _masks;
    private readonly int[] _next;
    private readonly int[][] _epsilon;
    private readonly uint[] _tags;
    private readonly object _gate = new();
    private readonly Dictionary<StateKey, DfaState> _kept = new();
    private readonly int[] _marks;
    private readonly Stack<int> _work = new();
    private readonly List<int> _consumers = [];
    private int _generation;

    private DigitAutomaton(Nfa nfa, int start)
    {
        _masks = [.. nfa.Masks];
        _next = [.. nfa.Next];
        _epsilon = nfa.Epsilon.Select(e => e is null ? [] : e.ToArray()).ToArray();
        _tags = [.. nfa.Tags];
        _marks = new int[_masks.Length];
        lock (_gate)
        {
            Start = Intern(Closure([start]), keep: true);
        }
    }

    /// <summary>The state before any digit.</summary>
    private DfaState Start { get; }

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
                var accept = nfa.NewAccept(1u << i);
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
        var state = Start;
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
        var state = Start;
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

            var bit = (ushort)(1 << digit);
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
            var to = Intern(Closure(targets), keep);
            if (keep)
            {
                Volatile.Write(ref from.Next[digit], to);
            }

            return to;
        }
    }

    private (int[] Consumers, uint Accept) Closure(List<int> roots)
    {
        _generation++;
        _consumers.Clear();
        uint accept = 0;
        foreach (var root in roots)
        {
            _work.Push(root);
        }

        while (_work.Count > 0)
        {
            var s = _work.Pop();
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

            foreach (var t in _epsilon[s])
            {
                if (_marks[t] != _generation)
                {
                    _work.Push(t);
                }
            }
        }

        var consumers = _consumers.ToArray();
        Array.Sort(consumers);
        return (consumers, accept);
    }

    private DfaState Intern((int[] Consumers, uint Accept) set, bool keep)
    {
        var key = new StateKey(set.Consumers, set.Accept);
        if (_kept.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var state = new DfaState(set.Consumers, set.Accept, keep);
        if (keep)
        {
            _kept.Add(key, state);
        }

        return state;
    }

    private sealed class DfaState(int[] consumers, uint accept, bool kept)
    {
        public readonly DfaState?[] Next = new DfaState?[10];

        public int[] Consumers { get; } = consumers;

        public uint Accept { get; } = accept;

        public bool Kept { get; } = kept;

        /// <summary>No digit leads anywhere from here and nothing matched: no answer can change.</summary>
        public bool IsDead => Consumers.Length == 0 && Accept == 0;
    }

    private readonly struct StateKey(int[] consumers, uint accept) : IEquatable<StateKey>
    {
        private readonly int[] _consumers = consumers;
        private readonly uint _accept = accept;

        public bool Equals(StateKey other) => _accept == other._accept && _consumers.AsSpan().SequenceEqual(other._consumers);

        public override bool Equals(object? obj) => obj is StateKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(_accept);
            foreach (var s in _consumers)
            {
                hash.Add(s);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>A pattern as a tree: a digit set, a sequence, a choice, or a repetition.</summary>
    private abstract record Node;

    private sealed record DigitSet(ushort Mask) : Node;

    private sealed record Sequence(IReadOnlyList<Node> Items) : Node;

    private sealed record Choice(IReadOnlyList<Node> Options) : Node;

    /// <summary><paramref name="Max"/> is -1 for no upper bound.</summary>
    private sealed record Repeat(Node Item, int Min, int Max) : Node;

    /// <summary>
    /// Reads the regex subset libphonenumber's metadata uses: digits, <c>\d</c>, classes of digits and digit ranges
    /// (negated too), groups (capturing or not), <c>|</c>, and <c>?</c>, <c>*</c>, <c>+</c>, <c>{n}</c>, <c>{n,}</c>,
    /// <c>{n,m}</c> (lazy or not: the set of strings matched is the same). Anything else is a <see cref="FormatException"/>.
    /// </summary>
    private ref struct PatternParser(string pattern)
    {
        private const ushort AllDigits = 0x3FF;
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

        private readonly bool More => _pos < _pattern.Length;

        private readonly char Peek => _pattern[_pos];

        private Node ParseChoice()
        {
            var options = new List<Node> { ParseSequence() };
            while (More && Peek == '|')
            {
                _pos++;
                options.Add(ParseSequence());
            }

            return options.Count == 1 ? options[0] : new Choice(options);
        }

        private Node ParseSequence()
        {
            var items = new List<Node>();
            while (More && Peek is not '|' and not ')')
            {
                items.Add(ParseRepeat());
            }

            return items.Count == 1 ? items[0] : new Sequence(items);
        }

        private Node ParseRepeat()
        {
            var item = ParseAtom();
            while (More)
            {
                int min, max;
                switch (Peek)
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
                        if (More && Peek == ',')
                        {
                            _pos++;
                            max = More && Peek == '}' ? -1 : ReadNumber();
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

                if (More && Peek == '?')
                {
                    _pos++; // lazy: matches the same strings
                }

                item = new Repeat(item, min, max);
            }

            return item;
        }

        private Node ParseAtom()
        {
            if (!More)
            {
                throw new FormatException("Pattern ends early.");
            }

            var c = _pattern[_pos++];
            switch (c)
            {
                case >= '0' and <= '9':
                    return new DigitSet((ushort)(1 << (c - '0')));
                case '\\':
                    Expect('d');
                    return new DigitSet(AllDigits);
                case '[':
                    return ParseClass();
                case '(':
                    if (More && Peek == '?')
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

        private DigitSet ParseClass()
        {
            var negate = More && Peek == '^';
            if (negate)
            {
                _pos++;
            }

            ushort mask = 0;
            var first = true;
            while (More && (Peek != ']' || first))
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
                if (_pos + 1 < _pattern.Length && Peek == '-' && _pattern[_pos + 1] != ']')
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
                    mask |= (ushort)(1 << (d - '0'));
                }
            }

            Expect(']');
            return new DigitSet(negate ? (ushort)(~mask & AllDigits) : mask);
        }

        private int ReadNumber()
        {
            var start = _pos;
            while (More && Peek is >= '0' and <= '9')
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
            if (!More || _pattern[_pos] != c)
            {
                throw new FormatException($"Expected '{c}' in pattern.");
            }

            _pos++;
        }
    }

    /// <summary>A Thompson automaton under construction: digit states (mask and one successor), empty moves, accepting tags.</summary>
    private sealed class Nfa
    {
        public List<ushort> Masks { get; } = [];

        public List<int> Next { get; } = [];

        public List<List<int>?> Epsilon { get; } = [];

        public List<uint> Tags { get; } = [];

        public int NewEpsilon() => Add(0, -1, 0);

        public int NewAccept(uint tag) => Add(0, -1, tag);

        public void AddEpsilon(int from, int to) => (Epsilon[from] ??= []).Add(to);

        /// <summary>Adds the states of <paramref name="node"/>; returns its entry and its exit (an empty-move state).</summary>
        public (int Start, int End) Build(Node node)
        {
            switch (node)
            {
                case DigitSet set:
                {
                    var end = NewEpsilon();
                    return (Add(set.Mask, end, 0), end);
                }

                case Sequence sequence:
                {
                    var start = NewEpsilon();
                    var current = start;
                    foreach (var item in sequence.Items)
                    {
                        var (s, e) = Build(item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    return (start, current);
                }

                case Choice choice:
                {
                    var start = NewEpsilon();
                    var end = NewEpsilon();
                    foreach (var option in choice.Options)
                    {
                        var (s, e) = Build(option);
                        AddEpsilon(start, s);
                        AddEpsilon(e, end);
                    }

                    return (start, end);
                }

                case Repeat repeat:
                {
                    var start = NewEpsilon();
                    var current = start;
                    for (var i = 0; i < repeat.Min; i++)
                    {
                        var (s, e) = Build(repeat.Item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    var end = NewEpsilon();
                    if (repeat.Max < 0)
                    {
                        var (s, e) = Build(repeat.Item);
                        AddEpsilon(current, s);
                        AddEpsilon(e, current);
                        AddEpsilon(current, end);
                        return (start, end);
                    }

                    for (var i = repeat.Min; i < repeat.Max; i++)
                    {
                        AddEpsilon(current, end);
                        var (s, e) = Build(repeat.Item);
                        AddEpsilon(current, s);
                        current = e;
                    }

                    AddEpsilon(current, end);
                    return (start, end);
                }

                default:
                    throw new FormatException("Unknown pattern node.");
            }
        }

        private int Add(ushort mask, int next, uint tag)
        {
            if (Masks.Count >= MaxNfaStates)
            {
                throw new FormatException("Pattern too large.");
            }

            Masks.Add(mask);
            Next.Add(next);
            Epsilon.Add(null);
            Tags.Add(tag);
            return Masks.Count - 1;
        }
    }
}
