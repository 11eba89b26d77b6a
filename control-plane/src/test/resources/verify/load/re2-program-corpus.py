# Regexes for Re2ProgramTest: python3 re2-program-corpus.py | sort -u > corpus.txt, then (with libre2-dev)
# g++ -o size re2-program-size.cc -lre2 && ./size < corpus.txt > re2-program-sizes.tsv (plus a few hand-picked ones).
import random
random.seed(20261201)
ALPHA = list("abcxyz019-_") + ["\\.", "\\-", "é", "ü", "中", "文", " ", "\\+", "\\(", "\\|", "ß", "Ω", "𝄞"]
def lit(maxlen=8):
    n = random.randint(0, maxlen)
    return "".join(random.choice(ALPHA) for _ in range(n))
def model():
    # realistic model names sharing prefixes
    fam = random.choice(["gpt-4o", "gpt-4.1", "gpt-4o-mini", "o3", "o3-mini", "claude-3-5-sonnet", "claude-3-5-haiku",
        "llama-3.1-70b", "llama-3.1-8b", "mistral-large", "gemini-1.5-pro", "gemini-1.5-flash", "chat", "text-embedding-3-small"])
    if random.random() < 0.3:
        fam += "-" + random.choice(["2024-08-06", "2024-05-13", "latest", "preview", "v2"])
    return fam.replace(".", "\\.")
def alternation(depth=0, gen=lit):
    n = random.randint(1, 6)
    parts = []
    for _ in range(n):
        if depth < 2 and random.random() < 0.15:
            parts.append(group(depth + 1, gen))
        else:
            parts.append(gen())
    return "|".join(parts)
def group(depth=0, gen=lit):
    inner = alternation(depth, gen)
    return ("(?:" if random.random() < 0.6 else "(") + inner + ")"
out = set()
def add(r):
    out.add(r)
for _ in range(1500):
    kind = random.random()
    if kind < 0.35:
        names = sorted(set(model() for _ in range(random.randint(1, 20))))
        add("^(?:" + "|".join(names) + ")$")
    elif kind < 0.45:
        names = sorted(set(model() for _ in range(random.randint(1, 8))))
        add("^(" + "|".join(names) + ")$")
    elif kind < 0.75:
        pre = random.choice(["^", ""])
        post = random.choice(["$", ""])
        add(pre + alternation() + post)
    else:
        pre = random.choice(["^", ""])
        post = random.choice(["$", ""])
        add(pre + lit(3) + group() + lit(3) + (group() if random.random() < 0.5 else "") + post)
for r in sorted(out):
    print(r)

# A second corpus: single runes (character classes across UTF-8 lengths), anchors inside groups.

random.seed(7)
SINGLES = ["a","b","c","d","A","B","Z","z","0","1","9","é","ê","ë","ß","中","丁","七","\u07ff","\u0800","\u0801","\uffef","\U00010000","\U00010001","\U0010fffd","\\.","\\-"," ","_","Ω","ω","Ѐ","ѐ"]
def piece(d):
    r = random.random()
    if r < 0.5:
        return random.choice(SINGLES)
    if r < 0.7:
        return "".join(random.choice(SINGLES) for _ in range(random.randint(2,4)))
    if r < 0.8 and d < 3:
        return ("(?:" if random.random()<0.7 else "(") + alt(d+1) + ")"
    if r < 0.9:
        return random.choice(["^","$"]) + random.choice(SINGLES)
    return ""
def alt(d=0):
    return "|".join(piece(d) for _ in range(random.randint(1,8)))
out2 = set()
for _ in range(1200):
    out2.add(random.choice(["^",""]) + alt() + random.choice(["$",""]))
for r in sorted(out2):
    print(r)
