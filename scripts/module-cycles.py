#!/usr/bin/env python3
"""Fails when a module imports a module that imports it back, inside any crate of the workspace.

A module is a file under a crate's `src` (a directory's `mod.rs` is the directory's module).
Module A depends on B when A's code (not its comments or its `mod tests`) names `crate::B…`
or `super::…` resolving to B, directly or in a grouped `use`; a parent and its own submodules
do not count. Prints every strongly connected group of modules and the edges inside it.
Usage: python3 scripts/module-cycles.py [workspace root]
"""
import os,re,sys
root=sys.argv[1] if len(sys.argv)>1 else '.'
found=0
crates={'shared/domain/src':'cchc_domain','shared/db/src':'cchc_db','shared/excel/src':'cchc_excel','shared/app/src':'cchc_app','shared/testkit/src':'cchc_testkit','api/src':'cchc_api','worker/src':'cchc_worker'}
def modname(rel):
    rel=rel[:-3]
    if rel.endswith('/mod'): rel=rel[:-4]
    if rel in('lib','main'): return ''
    return rel.replace('/','::')
for src,cname in crates.items():
    base=os.path.join(root,src)
    if not os.path.isdir(base): continue
    mods={}
    for d,_,fs in os.walk(base):
        for f in fs:
            if f.endswith('.rs'):
                p=os.path.join(d,f); rel=os.path.relpath(p,base)
                mods[modname(rel)]=open(p).read()
    names=set(mods)
    graph={m:set() for m in mods}
    for m,text in mods.items():
        # strip tests module
        # Test modules (`#[cfg(test)] mod …`, `#[cfg(all(test, …))] mod …`) do not count.
        cut=re.search(r'^#\[cfg\([^\n]*\btest\b[^\n]*\)\]\s*\nmod \w+', text, re.M)
        if cut: text=text[:cut.start()]
        text='\n'.join(l for l in text.split('\n') if not l.strip().startswith('//'))
        parts=m.split('::') if m else []
        refs=set()
        def expand(prefix, body):
            # split top-level commas
            depth=0;cur='';items=[]
            for ch in body:
                if ch=='{': depth+=1
                if ch=='}': depth-=1
                if ch==',' and depth==0: items.append(cur);cur=''
                else: cur+=ch
            items.append(cur)
            res=[]
            for it in items:
                it=it.strip()
                if not it: continue
                if '{' in it:
                    k=it.index('{'); res+=expand(prefix+it[:k], it[k+1:it.rindex('}')])
                else: res.append(prefix+it.split(' as ')[0].strip())
            return res
        for m2 in re.finditer(r'use\s+((?:crate|super)::[^;]*);', text, re.S):
            u=m2.group(1).replace('\n',' ')
            if '{' in u:
                k=u.index('{')
                for e in expand(u[:k], u[k+1:u.rindex('}')]):
                    text += '\n' + e + ' '
        for r in re.findall(r'crate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)',text):
            refs.add(r)
        for r in re.findall(r'\bsuper::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)',text):
            # resolve relative to parent
            par=parts[:-1] if not mods[m] is None else parts
            refs.add('::'.join(parts[:-1]+r.split('::')) if parts else r)
        for r in refs:
            segs=r.split('::')
            # longest prefix that is a module
            target=None
            for k in range(len(segs),0,-1):
                cand='::'.join(segs[:k])
                if cand in names: target=cand;break
            if target and target!=m and not m.startswith(target+'::') and not target.startswith(m+'::') :
                graph[m].add(target)
    # SCC (Tarjan)
    idx={};low={};st=[];on=set();out=[];c=[0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
        for w in graph[v]:
            if w not in idx: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],idx[w])
        if low[v]==idx[v]:
            comp=[]
            while True:
                w=st.pop();on.discard(w);comp.append(w)
                if w==v:break
            if len(comp)>1: out.append(sorted(comp))
    for v in graph:
        if v not in idx: sc(v)
    for comp in out:
        found+=1
        print(f'{cname}: cycle among {", ".join(comp)}')
        for a in comp:
            for b in sorted(graph[a]):
                if b in comp: print(f'    {a} -> {b}')
if found:
    sys.exit(f'{found} module cycle(s): move what both sides need into a module of its own, or a layer below')
print('no module cycles')
